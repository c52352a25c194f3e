import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync, readFileSync } from 'node:fs';
import { openXlsx, WorkbookOpenError } from '../cli/xlsx-workbook';
import { readAllSheets, dateCell } from '../shared/workbook';
import { checkWorkbook } from '../shared/check';
import { tmpDir, writeXlsx } from './support/xlsx';
import { serial, where } from './support/grid';

describe('exceljs workbook adapter: cells as clerks\' workbooks hold them', () => {
  const dir = tmpDir();
  let file: string;

  before(async () => {
    file = await writeXlsx(path.join(dir, 'cells.xlsx'), [
      { name: '说明', rows: [['说明文字']] },
      {
        name: '合同台账',
        rows: [
          ['合同编号', '采购日期', '部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式', '供应商'],
          ['HT-1', new Date(Date.UTC(2024, 2, 5)), '办公室', 'A02010105', { richText: [{ text: '台式' }, { font: { bold: true }, text: '计算机' }] }, 2, 5000, { formula: 'F2*G2', result: 10000 }, '协议采购', { text: '某某公司', hyperlink: 'http://example.invalid' }],
          ['HT-2', '2024年3月6日', null, 'A02010105', '台式计算机', '1台', '¥5,000.00', { formula: 'F3*G3', result: { error: '#VALUE!' } }, '协议采购'],
          ['HT-3', 45360, '财务科', 'A02010105', '台式计算机', 1, 5000, { sharedFormula: 'H2', result: 5000 }, '协议采购'],
        ],
        build: (ws) => {
          ws.mergeCells('C2:C3'); // 部门 merged down over two rows
          ws.getRow(3).hidden = true;
          ws.getCell('B4').numFmt = '0'; // a serial shown as a plain number
        },
      },
      { name: '隐藏计划', state: 'hidden', rows: [['计划编号', '品目名称', '数量', '单价', '采购方式'], ['JH-1', '台式计算机', 3, 5000, '协议采购']] },
    ]);
  });

  it('lists every sheet in workbook order, hidden ones included', async () => {
    const book = await openXlsx(file);
    assert.deepEqual(await book.sheetNames(), ['说明', '合同台账', '隐藏计划']);
  });

  it('reads dates, formulas as cached results, rich text, hyperlinks, merged cells and hidden rows', async () => {
    const book = await openXlsx(file);
    const g = await book.readSheet('合同台账');
    const r2 = g.rows[1]!;
    assert.deepEqual(r2[1], dateCell(serial(2024, 3, 5)));
    assert.equal(r2[4], '台式计算机');
    assert.equal(r2[7], 10000);
    assert.equal(r2[9], '某某公司');
    const r3 = g.rows[2]!;
    assert.equal(r3[0], 'HT-2'); // hidden row still read
    assert.equal(r3[2], '办公室'); // merged cell reads its top-left value
    assert.deepEqual(r3[7], { kind: 'error', text: '#VALUE!' });
    assert.equal(g.rows[3]![1], 45360);
    assert.equal(g.rows[3]![7], 5000);
  });

  it('the whole workbook checks through the adapter', async () => {
    const grids = await readAllSheets(await openXlsx(file));
    const r = checkWorkbook(grids, { asOf: '2024-06' });
    assert.deepEqual(where(r.findings), ['I02@说明', 'V02@合同台账!H3']);
    assert.deepEqual(r.sheets.map((s) => [s.sheet, s.kind]), [['合同台账', 'purchase'], ['隐藏计划', 'plan']]);
    const rows = r.ledgers.purchase!.rows;
    assert.deepEqual(rows.map((x) => x.values.date), ['2024-03-05', '2024-03-06', '2024-03-09']);
    assert.equal(rows[1]!.values.department, '办公室');
    assert.equal(rows[1]!.raw.amount, '#VALUE!');
  });

  describe('workbooks that cannot be opened give one clear line', () => {
    const cases: [string, () => string, RegExp][] = [
      ['a missing file', () => path.join(dir, 'nope.xlsx'), /^file not found: .*nope\.xlsx$/],
      ['a folder', () => dir, /^not a file but a folder/],
      ['a text file', () => { const p = path.join(dir, 'notes.xlsx'); writeFileSync(p, 'just some text'); return p; }, /is not an \.xlsx workbook$/],
      ['an empty file', () => { const p = path.join(dir, 'empty.xlsx'); writeFileSync(p, ''); return p; }, /is not an \.xlsx workbook$/],
      ['a password-protected workbook', () => { const p = path.join(dir, 'locked.xlsx'); writeFileSync(p, oleFile(true)); return p; }, /is password-protected: .*remove the password/],
      ['a legacy .xls workbook', () => { const p = path.join(dir, 'old.xls'); writeFileSync(p, oleFile(false)); return p; }, /Excel 97-2003 \(\.xls\).*save it as \.xlsx/],
      ['a truncated workbook', () => { const p = path.join(dir, 'cut.xlsx'); const b = readFileSync(file); writeFileSync(p, b.subarray(0, Math.floor(b.length / 2))); return p; }, /is damaged and cannot be read as \.xlsx/],
    ];
    for (const [what, make, message] of cases) {
      it(what, async () => {
        const p = make();
        await assert.rejects(openXlsx(p), (e: Error) => e instanceof WorkbookOpenError && message.test(e.message) && !e.message.includes('\n'));
      });
    }
  });
});

/** A minimal OLE2 compound file header, with the stream name an encrypted OOXML package carries. */
function oleFile(encrypted: boolean): Buffer {
  const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  const body = Buffer.alloc(1024);
  if (encrypted) Buffer.from('EncryptionInfo', 'utf16le').copy(body, 512);
  else Buffer.from('Workbook', 'utf16le').copy(body, 512);
  return Buffer.concat([header, body]);
}
