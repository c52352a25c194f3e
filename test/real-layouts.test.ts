/**
 * Real layouts (test/fixtures/real/, sources in its README): titles, grouped headers, units and
 * footers as public templates and import code of Chinese asset, procurement, budget and finance
 * systems lay them out, each with the reading the spec gives it, written down before it was run.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { checkWorkbook } from '../shared/check';
import { formGrid } from './support/grid';

interface Layout {
  id: string;
  what: string;
  sheet: string;
  rows: (string | number | boolean | null)[][];
  merges: string[];
  expected: { kind: string | null; header_row: number; header_rows: number; money_unit?: string; mapping?: Record<string, string>; data_rows: number; codes: string[] };
}

const LAYOUTS = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'real', 'layouts.json'), 'utf8')) as Layout[];

const layoutGrid = (l: Layout) => formGrid(l.sheet, l.rows, l.merges);

describe('real layouts read as the spec says', () => {
  it('cover all six kinds, at least two each', () => {
    for (const kind of ['plan', 'purchase', 'asset', 'asset_event', 'expense', 'budget']) {
      assert.ok(LAYOUTS.filter((l) => l.expected.kind === kind).length >= 2, kind);
    }
    assert.ok(LAYOUTS.length >= 15);
  });

  for (const l of LAYOUTS) {
    it(`${l.id}: ${l.what.slice(0, 70)}`, () => {
      const e = l.expected;
      const r = checkWorkbook([layoutGrid(l)], { asOf: '2024-12' });
      assert.deepEqual(r.findings.map((f) => f.code).sort(), [...e.codes].sort(), r.findings.map((f) => `${f.code}@${f.column ?? ''}${f.row ?? ''} ${f.message}`).join('\n'));
      const unread = r.findings.find((f) => f.code === 'V10');
      if (e.kind === null) {
        assert.equal(r.sheets.length, 0);
        return;
      }
      if (unread) {
        assert.equal(unread.ledger, e.kind);
        assert.equal(unread.row, e.header_row);
        return;
      }
      const s = r.sheets[0]!;
      assert.deepEqual([s.kind, s.header_row, s.header_rows, s.money_unit], [e.kind, e.header_row, e.header_rows, e.money_unit]);
      if (e.mapping) assert.deepEqual(s.mapping, e.mapping);
      if (!e.codes.includes('V00')) assert.equal(s.data_rows, e.data_rows);
    });
  }
});
