/**
 * Real files written by other programs (test/fixtures/corpus/, sources and licences in its README):
 * every workbook is read without a refusal or a crash, the .xlsx fast path equals SheetJS cell for
 * cell on each, encrypted ones are refused as password-protected, broken ones as what they are.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { openWorkbook } from '../shared/read/workbook-file';
import { ReadError, ReadErrorCode } from '../shared/read/read-error';
import { OoxmlBook } from '../shared/read/ooxml-reader';
import { SheetJsBook } from '../shared/read/sheetjs-reader';
import { ZipArchive } from '../shared/read/zip';
import { readAllSheets } from '../shared/workbook';
import { checkWorkbook } from '../shared/check';
import { zlibInflate } from '../cli/read-workbook';
import { plainRows } from './support/grid';

const CORPUS = path.join(__dirname, 'fixtures', 'corpus');
const files = (dir: string) => readdirSync(path.join(CORPUS, dir)).sort().map((f) => path.join(dir, f));
const open = (rel: string) => openWorkbook(readFileSync(path.join(CORPUS, rel)), path.basename(rel), { inflate: zlibInflate });

describe('a corpus of real workbooks from other programs', function () {
  this.timeout(60_000);
  const readable = ['xlsx', 'xlsm', 'xls', 'et', 'ods', 'other'].flatMap(files);

  it('holds files of every format (so the loop below tests something)', () => {
    const formats = new Set(readable.map((f) => path.extname(f)));
    for (const ext of ['.xlsx', '.xlsm', '.xls', '.et', '.ods', '.xml', '.htm']) assert.ok(formats.has(ext), ext);
    assert.ok(readable.length >= 50, `${readable.length} files`);
  });

  for (const rel of readable) {
    it(`${rel}: read and checked`, async () => {
      const book = await open(rel);
      const grids = await readAllSheets(book);
      assert.ok(grids.length > 0);
      assert.ok(grids.some((g) => g.rows.some((r) => r && r.some((c) => c !== null && c !== undefined))), 'some cell holds a value');
      checkWorkbook(grids, { asOf: '2024-06' });
      if (book.format === 'xlsx' || book.format === 'xlsm') {
        const bytes = readFileSync(path.join(CORPUS, rel));
        const fast = new OoxmlBook(new ZipArchive(bytes, zlibInflate));
        const full = SheetJsBook.open(bytes);
        assert.deepEqual(fast.sheets.map((s) => [s.name, s.hidden]), full.sheets.map((s) => [s.name, s.hidden]));
        fast.sheets.forEach((s, i) => assert.deepEqual(plainRows(fast.readSheet(s)), plainRows(full.readSheet(full.sheets[i]!)), s.name));
      }
    });
  }

  for (const rel of files('encrypted')) {
    it(`${rel}: refused as password-protected`, async () => {
      await assert.rejects(open(rel), (e: unknown) => e instanceof ReadError && e.code === 'password');
    });
  }

  // What each broken file is read as: what LibreOffice opens is read; what it cannot is refused.
  const damaged: Record<string, ReadErrorCode | 'read'> = {
    'calamine-too-small.xls': 'read', // a line of text: read as text, as LibreOffice does
    'edr-bitmap-named.xls': 'notSpreadsheet',
    'edr-truncated-cfb.xls': 'damaged',
    'exceljs-missing-parts.xlsx': 'damaged',
    'phpss-bad-byteorder.xls': 'read',
    'phpss-cfb-loop.xls': 'damaged',
    'phpss-ods-no-mimetype.ods': 'read',
    'roo-xls-named.xlsx': 'read', // an .xls under an .xlsx name
    'sheetjs-phpexcel-bad-cfb.xls': 'read',
  };
  it('every broken file has its expectation written down', () => {
    assert.deepEqual(files('damaged').map((f) => path.basename(f)), Object.keys(damaged).sort());
  });
  for (const [name, expected] of Object.entries(damaged)) {
    it(`damaged/${name}: ${expected === 'read' ? 'read' : `refused as ${expected}`}`, async () => {
      const rel = path.join('damaged', name);
      if (expected === 'read') {
        const grids = await readAllSheets(await open(rel));
        assert.ok(grids.length > 0);
      } else {
        await assert.rejects(open(rel), (e: unknown) => e instanceof ReadError && e.code === expected);
      }
    });
  }
});
