import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import JSZip from 'jszip';
import { cli } from './support/cli';
import { tmpDir } from './support/xlsx';
import { rawXlsx } from './support/raw-xlsx';
import { openWorkbook } from '../shared/read/workbook-file';
import { readAllSheets } from '../shared/workbook';
import { zlibInflate } from '../cli/read-workbook';
import { plainRows } from './support/grid';
import { workbookPushes } from './support/service';

const FIXTURES = path.join(__dirname, 'fixtures');
const SAMPLE = path.join(FIXTURES, 'sample-2024.xlsx');
const ANALYSIS_ZH = ['执行总览', '月度执行', '采购方式', '计划明细', '异常清单', '资产追溯', '部门对比', '支出执行', '预算建议'];
const MACRO_CT = 'application/vnd.ms-excel.sheet.macroEnabled.main+xml';

/** The sample as an .xlsm: a VBA project part, its relationship and the macro-enabled content type. */
async function sampleXlsm(): Promise<Buffer> {
  const zip = await JSZip.loadAsync(readFileSync(SAMPLE));
  zip.file('xl/vbaProject.bin', Buffer.from('VBA-PROJECT-BYTES-\u0001\u0002'));
  const ct = (await zip.file('[Content_Types].xml')!.async('string'))
    .replace(/application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet\.main\+xml/, MACRO_CT)
    .replace('</Types>', '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>');
  zip.file('[Content_Types].xml', ct);
  const rels = (await zip.file('xl/_rels/workbook.xml.rels')!.async('string')).replace('</Relationships>', '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>');
  zip.file('xl/_rels/workbook.xml.rels', rels);
  return zip.generateAsync({ type: 'nodebuffer' });
}

describe('analyze --out on every format', function () {
  this.timeout(60_000);
  const dir = tmpDir();
  const read = (f: string) => openWorkbook(readFileSync(f), path.basename(f), { inflate: zlibInflate });

  it('an .xlsm keeps its macros: vbaProject.bin byte for byte and the macro-enabled content type', async () => {
    const input = path.join(dir, 'book.xlsm');
    writeFileSync(input, await sampleXlsm());
    assert.equal((await read(input)).format, 'xlsm');
    const out = path.join(dir, 'book-analysis.xlsm');
    const r = await cli('analyze', input, '--out', out, '--as-of', '2024-06');
    assert.equal(r.code, 1, r.err);
    const zip = await JSZip.loadAsync(readFileSync(out));
    assert.deepEqual(await zip.file('xl/vbaProject.bin')!.async('nodebuffer'), Buffer.from('VBA-PROJECT-BYTES-\u0001\u0002'));
    const ct = await zip.file('[Content_Types].xml')!.async('string');
    assert.ok(ct.includes(MACRO_CT), 'the workbook part is still macro-enabled');
    assert.ok(ct.includes('application/vnd.ms-office.vbaProject'));
    assert.ok((await zip.file('xl/_rels/workbook.xml.rels')!.async('string')).includes('vbaProject.bin'));
    const book = await read(out);
    assert.equal(book.format, 'xlsm');
    assert.deepEqual(book.sheets.map((s) => s.name).slice(-9), ANALYSIS_ZH);
  });

  it('an .xlsm written under another name is refused before anything is written', async () => {
    const input = path.join(dir, 'm.xlsm');
    writeFileSync(input, await sampleXlsm());
    for (const name of ['m-out.xlsx', 'm-out.xls']) {
      const out = path.join(dir, name);
      const r = await cli('analyze', input, '--out', out, '--as-of', '2024-06');
      assert.equal(r.code, 2);
      assert.match(r.err, /含有宏.*\.xlsm/);
      assert.equal(existsSync(out), false);
    }
  });

  for (const name of ['sample-2024.xls', 'sample-2024.et', 'sample-2024.ods', '合同台账-gbk.csv']) {
    it(`${name} becomes a new .xlsx: its sheets as read, then the analysis sheets`, async () => {
      const input = path.join(FIXTURES, 'formats', name);
      const refused = await cli('analyze', input, '--out', path.join(dir, `${name}.xls`), '--as-of', '2024-06');
      assert.equal(refused.code, 2);
      assert.match(refused.err, /--out 必须以 \.xlsx 结尾/);
      const out = path.join(dir, `${name}.xlsx`);
      const r = await cli('analyze', input, '--out', out, '--as-of', '2024-06');
      assert.equal(r.code, 1, r.err);
      const source = await readAllSheets(await read(input));
      const written = await read(out);
      assert.equal(written.format, 'xlsx');
      assert.deepEqual(written.sheets.map((s) => s.name), [...source.map((g) => g.name), ...ANALYSIS_ZH]);
      // The ledger sheets as read: the same cells, dates still dates.
      for (const g of source) assert.deepEqual(plainRows(await written.readSheet(g.name)), plainRows(g), g.name);
      // And the written workbook checks as its source does.
      const a = JSON.parse((await cli('check', input, '--json', '--as-of', '2024-06')).out);
      const b = JSON.parse((await cli('check', out, '--json', '--as-of', '2024-06')).out);
      assert.deepEqual(b.findings.map((f: { code: string; row?: number; column?: string }) => `${f.code}${f.column ?? ''}${f.row ?? ''}`), a.findings.map((f: { code: string; row?: number; column?: string }) => `${f.code}${f.column ?? ''}${f.row ?? ''}`));
    });
  }

  it('number formats of the source are kept on the converted sheets', async () => {
    const out = path.join(dir, 'formats.xlsx');
    await cli('analyze', path.join(FIXTURES, 'formats', 'sample-2024.xls'), '--out', out, '--as-of', '2024-06');
    const styles = await (await JSZip.loadAsync(readFileSync(out))).file('xl/styles.xml')!.async('string');
    assert.match(styles, /formatCode="[^"]*yy[^"]*"/, 'a date format');
  });

  it('a workbook in which no ledger was read gets no analysis sheets: refused, exit 1, nothing written', async () => {
    const input = path.join(dir, 'notes.xlsx');
    writeFileSync(input, rawXlsx([{ name: '说明', rows: [['本工作簿记录会议纪要'], ['2024年3月5日', '讨论采购计划']] }]));
    const out = path.join(dir, 'notes-analysis.xlsx');
    const r = await cli('analyze', input, '--out', out, '--as-of', '2024-06');
    assert.equal(r.code, 1);
    assert.match(r.err, /没有读到任何台账，未写入/);
    assert.match(r.out, /I02/);
    assert.equal(existsSync(out), false);
  });

  it('push prepares the same ledgers, to the same content hash, from every format of one workbook', async () => {
    const hashes = async (f: string) => (await workbookPushes(f, '2024-06')).map((p) => `${p.open.kind} ${p.open.row_count} ${p.open.content_hash}`);
    const twin = await hashes(SAMPLE);
    assert.equal(twin.length, 6);
    for (const name of ['sample-2024.xls', 'sample-2024.et', 'sample-2024.ods']) assert.deepEqual(await hashes(path.join(FIXTURES, 'formats', name)), twin, name);
  });
});
