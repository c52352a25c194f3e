/**
 * The typed ledger rows of a snapshot: one table per kind, written in bulk inside the commit's
 * transaction (statements from row-sql.ts) and read back in pages.
 */
import { QueryTypes, Transaction } from 'sequelize';
import { LEDGERS, LedgerKind } from '../shared/ledgers';
import { SnapshotRow } from '../shared/api';
import { LedgerRow } from '../shared/validate';
import { fenToYuanString } from '../shared/money';
import { Db, runOnConnection } from './db';
import { ROW_TABLE, RowStatement, quoteName as q } from './row-sql';

export { ROW_TABLE };

/** Test hook: fail or stall a commit part-way through its row inserts (see docs/service.md). */
export interface InsertFailpoint {
  afterRows: number;
  action: 'throw' | 'hang';
}

/**
 * Runs the statements of insertStatements (or recordInsertStatements) inside a transaction,
 * building each next statement while the database (on the driver's own thread) runs the last.
 * `param` is their one bound parameter: the snapshot id, or the reconciliation id. Resolves to
 * the number of rows inserted.
 */
export async function insertRows(db: Db, t: Transaction, param: number, statements: Iterable<RowStatement>, failpoint?: InsertFailpoint): Promise<number> {
  // The driver's own connection of this transaction: the statement and its one parameter go to the
  // database apart (Sequelize's bind would look for $n inside the string literals too).
  const run = (sql: string) => runOnConnection(db, t, sql, [param]);
  const it = statements[Symbol.iterator]();
  let next = it.next();
  let done = 0;
  while (!next.done) {
    const running = run(next.value.sql);
    // A failed statement must not be left unobserved while the next one is built.
    running.catch(() => undefined);
    done += next.value.rows;
    next = it.next();
    await running;
    if (failpoint && done >= failpoint.afterRows) {
      if (failpoint.action === 'throw') throw new Error(`failpoint: insert stopped after ${done} rows`);
      process.stderr.write(`failpoint: commit hanging after ${done} rows\n`);
      await new Promise(() => undefined);
    }
  }
  return done;
}

/** A snapshot's rows as the shared core's typed rows (money in fen), in stored order. */
export async function loadLedgerRows(db: Db, kind: LedgerKind, snapshotId: number, page?: { offset: number; limit: number }): Promise<LedgerRow[]> {
  const records = await db.sequelize.query<Record<string, unknown>>(
    `SELECT * FROM ${q(ROW_TABLE[kind])} WHERE snapshot_id = :id ORDER BY id${page ? ' LIMIT :limit OFFSET :offset' : ''}`,
    { replacements: { id: snapshotId, ...page }, type: QueryTypes.SELECT },
  );
  return records.map((r) => {
    const values: Record<string, string | number | null> = {};
    for (const f of LEDGERS[kind].fields) {
      const v = r[f.name];
      if (v === null || v === undefined) values[f.name] = null;
      // pg answers BIGINT as a string.
      else if (f.type === 'money' || f.type === 'qty' || f.type === 'year') values[f.name] = Number(v);
      else values[f.name] = String(v);
    }
    return {
      sheet: String(r.sheet),
      row: Number(r.source_row),
      valid: r.valid === true || r.valid === 1,
      values,
      raw: r.raw ? (JSON.parse(String(r.raw)) as Record<string, string>) : {},
    };
  });
}

/** One page of a snapshot's rows as the API gives them: money as decimal strings. */
export async function readRows(db: Db, kind: LedgerKind, snapshotId: number, offset: number, limit: number): Promise<SnapshotRow[]> {
  const money = LEDGERS[kind].fields.filter((f) => f.type === 'money').map((f) => f.name);
  return (await loadLedgerRows(db, kind, snapshotId, { offset, limit })).map((r) => {
    for (const m of money) if (typeof r.values[m] === 'number') r.values[m] = fenToYuanString(r.values[m] as number);
    return r;
  });
}

export async function countRows(db: Db, kind: LedgerKind, snapshotId?: number): Promise<number> {
  const where = snapshotId === undefined ? '' : ' WHERE snapshot_id = :id';
  const [r] = await db.sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${q(ROW_TABLE[kind])}${where}`, {
    replacements: { id: snapshotId ?? null },
    type: QueryTypes.SELECT,
  });
  return Number(r?.n ?? 0);
}

