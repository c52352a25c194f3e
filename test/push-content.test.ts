import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ContentHasher, chunkBody, contentHash } from '../shared/push';
import { hashedSections } from '../server/chunk-cache';
import { Cell } from '../shared/workbook';
import { PushOpenRequest } from '../shared/api';
import { nodeHasher } from '../server/node-hasher';
import { browserHasher } from '../shared/browser-hasher';

const head: Pick<PushOpenRequest, 'kind' | 'year' | 'source' | 'columns'> = {
  kind: 'purchase',
  source: { workbook: 'b.xlsx', sheets: [{ sheet: '合同台账', header_row: 1, title_year: null, headers: ['合同编号'] }] },
  columns: [{ purchase_id: 'A' }],
};

const cell: fc.Arbitrary<Cell> = fc.oneof(
  fc.constant(null),
  fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !s.includes('\u0000')),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.integer({ min: 1, max: 60_000 }).map((serial) => ({ kind: 'date' as const, serial })),
  fc.constantFrom('#N/A', '#DIV/0!').map((text) => ({ kind: 'error' as const, text })),
);
const rowsArb = fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 40 });

/** The service's way: chunk by chunk, each as it travels (JSON text parsed again). */
function hashByChunks(rows: Cell[][], cuts: number[], make = nodeHasher): string {
  const h = new ContentHasher(head, make);
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < rows.length).sort((a, b) => a - b), rows.length];
  for (let i = 1; i < bounds.length; i++) {
    const a = bounds[i - 1]!;
    const b = bounds[i]!;
    const sent = JSON.parse(JSON.stringify({ rows: rows.slice(a, b), source_rows: rows.slice(a, b).map((_, k) => [0, a + k + 2]) }));
    h.add(sent.rows, sent.source_rows);
  }
  return h.digest();
}

const sources = (rows: Cell[][]) => rows.map((_, k) => [0, k + 2] as [number, number]);

describe('content hash of a push', () => {
  it('is the same however the rows are chunked, and whether the add-in or the service computes it', () => {
    fc.assert(
      fc.property(rowsArb, fc.array(fc.nat(40), { maxLength: 5 }), (rows, cuts) => {
        const whole = contentHash(head, rows, sources(rows), nodeHasher);
        assert.equal(hashByChunks(rows, cuts), whole);
        assert.equal(contentHash(head, rows, sources(rows), browserHasher), whole);
      }),
      { numRuns: 200 },
    );
  });

  it('changes with any cell, any source row, the order of rows, or what they are read with', () => {
    const rows: Cell[][] = [['HT-1', 2, { kind: 'date', serial: 45000 }], ['HT-2', null, '4,800.00']];
    const base = contentHash(head, rows, sources(rows), nodeHasher);
    const variants: [string, string][] = [
      ['a cell', contentHash(head, [['HT-1', 3, { kind: 'date', serial: 45000 }], rows[1]!], sources(rows), nodeHasher)],
      ['a number written as text', contentHash(head, [['HT-1', '2', { kind: 'date', serial: 45000 }], rows[1]!], sources(rows), nodeHasher)],
      ['an empty cell more', contentHash(head, [rows[0]!, ['HT-2', null, '4,800.00', null]], sources(rows), nodeHasher)],
      ['a source row', contentHash(head, rows, [[0, 2], [0, 4]], nodeHasher)],
      ['the order', contentHash(head, [rows[1]!, rows[0]!], sources(rows), nodeHasher)],
      ['a row moved across cells', contentHash(head, [['HT-1', 2], [{ kind: 'date', serial: 45000 }, 'HT-2', null, '4,800.00']], sources(rows), nodeHasher)],
      ['the mapping', contentHash({ ...head, columns: [{ purchase_id: 'B' }] }, rows, sources(rows), nodeHasher)],
      ['the year', contentHash({ ...head, year: 2024 }, rows, sources(rows), nodeHasher)],
    ];
    for (const [what, h] of variants) assert.notEqual(h, base, what);
    assert.equal(new Set(variants.map((v) => v[1])).size, variants.length);
  });

  it('of no rows is that of its head alone, and one source row per row is hashed', () => {
    assert.equal(contentHash(head, [], [], nodeHasher), new ContentHasher(head, nodeHasher).digest());
    const rows: Cell[][] = [['HT-1']];
    assert.equal(contentHash(head, rows, [[0, 2], [0, 3]], nodeHasher), contentHash(head, rows, [[0, 2]], nodeHasher));
  });

  describe('hashed as sent (hashedSections)', () => {
    const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : b);

    it('finds in a body as chunkBody writes it the very JSON the client hashed, so the digests agree', () => {
      fc.assert(
        fc.property(rowsArb, fc.array(fc.nat(40), { maxLength: 5 }), (rows, cuts) => {
          const h = new ContentHasher(head, nodeHasher);
          const bounds = [0, ...cuts.filter((c) => c > 0 && c < rows.length).sort((a, b) => a - b), rows.length];
          for (let i = 1; i < bounds.length; i++) {
            const [a, b] = [bounds[i - 1]!, bounds[i]!];
            const body = Buffer.from(chunkBody(rows.slice(a, b), sources(rows).slice(a, b)));
            const found = hashedSections(body);
            assert.ok(found);
            assert.equal(text(found[0]), JSON.stringify(rows.slice(a, b)).slice(1, -1));
            assert.equal(text(found[1]), JSON.stringify(sources(rows).slice(a, b)).slice(1, -1));
            if (b > a) h.addSections(found[0], found[1]);
          }
          assert.equal(h.digest(), contentHash(head, rows, sources(rows), nodeHasher));
        }),
        { numRuns: 200 },
      );
    });

    it('finds nothing in a body laid out otherwise, or with a key twice', () => {
      const rows = JSON.stringify([['HT-1', 2]]);
      const src = JSON.stringify([[0, 2]]);
      const cases: [string, string][] = [
        ['spaces between the keys', `{"rows": ${rows}, "source_rows": ${src}}`],
        ['a line break at the end', `{"rows":${rows},"source_rows":${src}}\n`],
        ['the keys the other way round', `{"source_rows":${src},"rows":${rows}}`],
        ['rows given twice, the second after the source rows', `{"rows":${rows},"source_rows":${src},"rows":[["HT-9",9]]}`],
        ['rows given twice, both before the source rows', `{"rows":[["HT-9",9]],"rows":${rows},"source_rows":${src}}`],
        ['source rows given twice', `{"rows":${rows},"source_rows":[[0,9]],"source_rows":${src}}`],
        ['no source rows', `{"rows":${rows}}`],
        ['not an object', `[${rows},${src}]`],
        ['nothing', ''],
      ];
      for (const [what, body] of cases) assert.equal(hashedSections(Buffer.from(body)), null, what);
      const empty = hashedSections(Buffer.from(chunkBody([], [])));
      assert.deepEqual([text(empty?.[0]), text(empty?.[1])], ['', '']);
    });
  });
});
