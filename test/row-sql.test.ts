import assert from 'node:assert/strict';
import fc from 'fast-check';
import { insertStatements, ROWS_PER_STATEMENT, STATEMENT_CHARS } from '../server/row-sql';
import { openDb } from '../server/db';
import { insertRows, loadLedgerRows } from '../server/row-store';
import { LedgerRow } from '../shared/validate';

function purchaseRow(i: number, text: string, wide: boolean): LedgerRow {
  return {
    sheet: wide ? '采购执行' : 'Purchases',
    row: i + 2,
    valid: i % 7 !== 0,
    raw: i % 11 === 0 ? { amount: `${text}元` } : {},
    values: {
      purchase_id: `HT-${i}`,
      plan_id: i % 5 === 0 ? null : `JH-${i % 100}`,
      date: '2024-03-05',
      department: wide ? '办公室' : 'Office',
      item_code: 'A02010105',
      item_name: text,
      spec: null,
      supplier: `${text}'s supplier`,
      quantity: (i % 9) + 0.5,
      unit_price: 520_000 + i,
      amount: i % 11 === 0 ? null : 1_040_000,
      method: 'agreement',
      method_exception_ref: null,
      invoice_no: String(2_444_000_000 + i),
    },
  };
}

describe('row INSERT statements', () => {
  const textArb = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("O'Brien", '台式计算机', "'; DROP TABLE purchase_rows; --", '=HYPERLINK("x")', ''));

  it('hold every row once, in order, in statements of bounded size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), textArb, fc.boolean(), (n, text, wide) => {
        const rows = Array.from({ length: n }, (_, i) => purchaseRow(i, text, wide));
        const statements = [...insertStatements('purchase', rows, 'sqlite')];
        assert.equal(statements.reduce((s, x) => s + x.rows, 0), n);
        for (const s of statements) {
          assert.ok(s.rows >= 1 && s.rows <= ROWS_PER_STATEMENT);
          // Only a single row longer than the budget may exceed it.
          assert.ok(s.sql.length <= STATEMENT_CHARS || s.rows === 1, `${s.sql.length} characters in ${s.rows} rows`);
          assert.equal(s.sql.split('(?1,').length - 1, s.rows);
        }
        // Source rows in statement order are the rows in order.
        const order = statements.flatMap((s) => [...s.sql.matchAll(/\(\?1,'[^']*',(\d+),/g)].map((m) => Number(m[1])));
        assert.deepEqual(order, rows.map((r) => r.row));
      }),
      { numRuns: 40 },
    );
  });

  it('store exactly the rows given, quotes and CJK text included, when run', async () => {
    const db = await openDb('sqlite::memory:');
    try {
      await db.sequelize.query(`INSERT INTO units (id, code, created_at) VALUES (1, 'A', '2024-06-30')`);
      await db.sequelize.query(`INSERT INTO snapshots (id, unit_id, kind, period, content_hash, row_count, source_workbook, head, token_id, created_by, created_at,
        findings_error, findings_warning, findings_info) VALUES (7, 1, 'purchase', '2024-06', '', 0, 'x', '{}', 1, 't', '2024-06-30', 0, 0, 0)`);
      const rows = Array.from({ length: 3000 }, (_, i) => purchaseRow(i, i % 2 ? "O'Brien 台式计算机" : "'; DROP TABLE purchase_rows; --", true));
      const statements = [...insertStatements('purchase', rows, 'sqlite')];
      assert.ok(statements.length > 1, 'more than one statement');
      await db.write((t) => insertRows(db, t, 7, statements));
      const back = await loadLedgerRows(db, 'purchase', 7);
      assert.deepEqual(back, rows);
    } finally {
      await db.close();
    }
  });
});
