import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpDir } from './support/xlsx';
import { manyMerges, sheetWideValidation, wholeColumnStyles } from './support/hostile-files';

/** Peak memory of reading and checking a file, in a process of its own (node and tsx alone take about 60 MB). */
function readInChild(file: string): { maxRssMb: number; sheets: { rows: number; merges: number }[]; dataRows: number[] } {
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'support', 'read-in-child.ts'), file], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out);
}

describe('reading is bounded by the cells that hold values, not by a sheet\'s nominal extent', function () {
  this.timeout(90_000);
  const dir = tmpDir();
  const cases: [string, () => Uint8Array, number][] = [
    // [what, file, megabytes of peak RSS allowed] — exceljs took > 1 GB (killed at 500 s), 616 MB, and 8 minutes.
    ['one dropdown over A1:XFD1048576 (an 8 KB file)', sheetWideValidation, 160],
    ['whole-column styles, five whole-column dropdowns, a sheet-wide conditional format', wholeColumnStyles, 160],
    ['100,000 merged ranges and one merge over the rest of the sheet', manyMerges, 200],
  ];
  for (const [what, make, limitMb] of cases) {
    it(what, () => {
      const file = path.join(dir, `${what.slice(0, 12).replace(/\W/g, '_')}.xlsx`);
      writeFileSync(file, make());
      const r = readInChild(file);
      console.log(`      peak RSS ${r.maxRssMb.toFixed(0)} MB`);
      assert.equal(r.dataRows[0], 20, 'the 20 contracts are read');
      assert.ok(r.maxRssMb < limitMb, `peak RSS ${r.maxRssMb.toFixed(0)} MB (limit ${limitMb})`);
      if (make === manyMerges) assert.equal(r.sheets[0]!.merges, 100_001);
    });
  }
});
