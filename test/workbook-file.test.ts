import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as XLSX from '@e965/xlsx';
import { zipSync, strToU8 } from 'fflate';
import { openWorkbook } from '../shared/read/workbook-file';
import { ReadError } from '../shared/read/read-error';
import { OoxmlBook } from '../shared/read/ooxml-reader';
import { SheetJsBook } from '../shared/read/sheetjs-reader';
import { ZipArchive } from '../shared/read/zip';
import { parseDelimited } from '../shared/read/csv-reader';
import { isDateFormatCode } from '../shared/read/number-formats';
import { zlibInflate } from '../cli/read-workbook';
import { Cell, SheetGrid, readAllSheets, dateCell, errorCell } from '../shared/workbook';
import { checkWorkbook } from '../shared/check';
import { tmpDir, writeXlsx } from './support/xlsx';
import { rawXlsx } from './support/raw-xlsx';
import { plainRows, serial, where } from './support/grid';
import { cli } from './support/cli';

const FIXTURES = path.join(__dirname, 'fixtures');
const SAMPLE = path.join(FIXTURES, 'sample-2024.xlsx');
const FORMATS = path.join(FIXTURES, 'formats');

const open = (file: string, bytes: Uint8Array = readFileSync(file)) => openWorkbook(bytes, path.basename(file), { inflate: zlibInflate });

/** The same bytes through the fast path and through SheetJS: equal cell for cell, merges too. */
function bothReaders(bytes: Uint8Array): { fast: SheetGrid[]; full: SheetGrid[] } {
  const fastBook = new OoxmlBook(new ZipArchive(bytes, zlibInflate));
  const fullBook = SheetJsBook.open(bytes);
  return { fast: fastBook.sheets.map((s) => fastBook.readSheet(s)), full: fullBook.sheets.map((s) => fullBook.readSheet(s)) };
}

function assertSameGrids(a: SheetGrid[], b: SheetGrid[], what: string): void {
  assert.deepEqual(a.map((g) => g.name), b.map((g) => g.name), what);
  a.forEach((g, i) => {
    assert.deepEqual(plainRows(g), plainRows(b[i]!), `${what}: ${g.name}`);
    assert.deepEqual(g.hidden ?? false, b[i]!.hidden ?? false, `${what}: ${g.name} hidden`);
  });
}

describe('the workbook reader: cells as clerks\' workbooks hold them', () => {
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

  it('lists every sheet in workbook order, hidden ones included and marked', async () => {
    const book = await open(file);
    assert.equal(book.format, 'xlsx');
    assert.deepEqual(await book.sheetNames(), ['说明', '合同台账', '隐藏计划']);
    assert.deepEqual(book.sheets.map((s) => s.hidden), [false, false, true]);
  });

  it('reads dates, formulas as cached results, rich text, hyperlinks, merged cells and hidden rows', async () => {
    const g = await (await open(file)).readSheet('合同台账');
    const r2 = g.rows[1]!;
    assert.deepEqual(r2[1], dateCell(serial(2024, 3, 5)));
    assert.equal(r2[4], '台式计算机');
    assert.equal(r2[7], 10000);
    assert.equal(r2[9], '某某公司');
    const r3 = g.rows[2]!;
    assert.equal(r3[0], 'HT-2'); // hidden row still read
    assert.equal(r3[2], '办公室'); // merged cell reads its top-left value
    assert.deepEqual(g.merges, [{ top: 2, left: 3, bottom: 3, right: 3 }]);
    assert.deepEqual(r3[7], { kind: 'error', text: '#VALUE!' });
    assert.equal(g.rows[3]![1], 45360);
    assert.equal(g.rows[3]![7], 5000);
  });

  it('the fast path and the full reader give the same cells', () => {
    const { fast, full } = bothReaders(readFileSync(file));
    assertSameGrids(fast, full, 'cells.xlsx');
  });

  it('the whole workbook checks through the reader', async () => {
    const grids = await readAllSheets(await open(file));
    const r = checkWorkbook(grids, { asOf: '2024-06' });
    assert.deepEqual(where(r.findings), ['I02@说明', 'V02@合同台账!H3']);
    assert.deepEqual(r.sheets.map((s) => [s.sheet, s.kind]), [['合同台账', 'purchase'], ['隐藏计划', 'plan']]);
    const rows = r.ledgers.purchase!.rows;
    assert.deepEqual(rows.map((x) => x.values.date), ['2024-03-05', '2024-03-06', '2024-03-09']);
    assert.equal(rows[1]!.values.department, '办公室');
    assert.equal(rows[1]!.raw.amount, '#VALUE!');
  });

  it('leaves out its own analysis sheets (known by their hidden names) from the ledgers, but lists them', async () => {
    const bytes = rawXlsx([{ name: '支出明细', rows: [['凭证号', '金额'], ['PZ-1', 5]] }, { name: '执行总览', rows: [['x']] }], { definedNames: [{ name: '_LedgerSync.summary', ref: "'执行总览'!$A$1", hidden: true }] });
    const book = await openWorkbook(bytes, 'b.xlsx');
    assert.deepEqual(await book.sheetNames(), ['支出明细']);
    assert.deepEqual(book.sheets.map((s) => s.name), ['支出明细', '执行总览']);
  });
});

describe('every format a clerk has gives the cells and findings of its .xlsx twin', () => {
  let twin: SheetGrid[];
  let twinJson: { sheets: unknown[]; findings: { code: string; sheet?: string; row?: number; column?: string }[] };
  const shape = (f: { code: string; sheet?: string; row?: number; column?: string; value?: string }) => `${f.code} ${f.sheet}!${f.column ?? ''}${f.row ?? ''} ${f.value ?? ''}`;

  before(async () => {
    twin = await readAllSheets(await open(SAMPLE));
    twinJson = JSON.parse((await cli('check', SAMPLE, '--json', '--as-of', '2024-06')).out);
  });

  // Made by scripts/make-format-fixtures.sh with LibreOffice from the sample workbook.
  for (const [name, format] of [['sample-2024.xls', 'xls'], ['sample-2024.et', 'et'], ['sample-2024.ods', 'ods']] as const) {
    it(`${name}: the same cells, sheet for sheet, and the same findings`, async () => {
      const file = path.join(FORMATS, name);
      const book = await open(file);
      assert.equal(book.format, format);
      assertSameGrids(await readAllSheets(book), twin, name);
      const json = JSON.parse((await cli('check', file, '--json', '--as-of', '2024-06')).out);
      assert.deepEqual(json.sheets, twinJson.sheets);
      assert.deepEqual(json.findings.map(shape), twinJson.findings.map(shape));
    });
  }

  for (const [name, encoding] of [['合同台账-utf8.csv', 'utf-8'], ['合同台账-bom.csv', 'utf-8'], ['合同台账-gbk.csv', 'gb18030']] as const) {
    it(`${name}: one sheet named after the file, decoded as ${encoding}, the contracts' findings and values`, async () => {
      const file = path.join(FORMATS, name);
      const book = await open(file);
      assert.equal(book.format, 'csv');
      assert.equal(book.encoding, encoding);
      const sheet = name.replace(/\.csv$/, '');
      assert.deepEqual(await book.sheetNames(), [sheet]);
      const grids = await readAllSheets(book);
      assert.equal(grids[0]!.rows[0]![0], '合同编号');
      const viaCsv = checkWorkbook(grids, { asOf: '2024-06' });
      const viaXlsx = checkWorkbook(twin.filter((g) => g.name === '合同台账'), { asOf: '2024-06' });
      assert.deepEqual(viaCsv.findings.map((f) => shape({ ...f, sheet: '' })), viaXlsx.findings.map((f) => shape({ ...f, sheet: '' })));
      assert.deepEqual(viaCsv.ledgers.purchase!.rows.map((r) => r.values), viaXlsx.ledgers.purchase!.rows.map((r) => r.values));
    });
  }

  it('BIFF5 (Excel 5.0/95) and BIFF2 files are read', async () => {
    const rows = [['contract no', 'date', 'item name', 'qty', 'unit price', 'method'], ['HT-1', dateCell(serial(2024, 3, 5)), 'desk', 2, 150.5, 'inquiry'], ['HT-2', dateCell(serial(2024, 4, 1)), 'chair', 3, 80, 'inquiry']];
    const ws = XLSX.utils.aoa_to_sheet(rows.map((r) => r.map((c) => (typeof c === 'object' ? c.serial : c))));
    ws.B2!.z = ws.B3!.z = 'yyyy-mm-dd';
    ws.B2!.t = ws.B3!.t = 'n';
    for (const bookType of ['biff5', 'biff2'] as const) {
      const wb = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(wb, ws, 'contracts');
      const bytes = new Uint8Array(XLSX.write(wb, { type: 'array', bookType }) as ArrayBuffer);
      const book = await openWorkbook(bytes, 'old.xls');
      assert.equal(book.format, 'xls');
      assert.deepEqual(plainRows(await book.readSheet(book.sheets[0]!.name)), rows, bookType);
    }
  });

  it('an "Excel" export that is an HTML table or SpreadsheetML 2003 saved as .xls, in GBK too', async () => {
    const html = '<html><head><meta charset="gbk"></head><body><table><tr><td>合同编号</td><td>数量</td></tr><tr><td>HT-001</td><td>001</td></tr></table></body></html>';
    const gbk = new Uint8Array(Buffer.from(require('node:child_process').execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: html })));
    for (const bytes of [strToU8(html), gbk]) {
      const book = await openWorkbook(bytes, '导出.xls');
      assert.equal(book.format, 'html');
      const g = await book.readSheet(book.sheets[0]!.name);
      assert.deepEqual(plainRows(g), [['合同编号', '数量'], ['HT-001', '001']]);
    }
    const xml = '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="台账"><Table><Row><Cell><Data ss:Type="String">合同编号</Data></Cell><Cell><Data ss:Type="Number">3</Data></Cell></Row></Table></Worksheet></Workbook>';
    const book = await openWorkbook(strToU8(xml), 'export.xls');
    assert.equal(book.format, 'xml2003');
    assert.deepEqual(await book.sheetNames(), ['台账']);
    assert.deepEqual(plainRows(await book.readSheet('台账')), [['合同编号', 3]]);
  });
});

describe('.xlsx as other programs write it: the fast path equals the full reader', () => {
  const cell: fc.Arbitrary<Cell> = fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() === s && s !== '' && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]|_x[0-9a-fA-F]{4}_/.test(s)) },
    { weight: 2, arbitrary: fc.constantFrom('合同编号', '办公室', 'A&B <c>', "O'Brien \"x\"", '¥5,000.00', '2024年3月5日', '  ') .filter((s) => s.trim() !== '') },
    { weight: 3, arbitrary: fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true })).map((n) => (Object.is(n, -0) ? 0 : n)) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 2, arbitrary: fc.integer({ min: 1462, max: 60000 }).map((n) => dateCell(n)) },
    { weight: 1, arbitrary: fc.constantFrom('#N/A', '#DIV/0!', '#VALUE!', '#REF!').map((t) => errorCell(t)) },
  );
  const sheet = fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 12 });
  const options = fc.record({
    prefix: fc.constantFrom('', 'x:'),
    strings: fc.constantFrom('shared', 'inline', 'str') as fc.Arbitrary<'shared' | 'inline' | 'str'>,
    omitRefs: fc.boolean(),
    quote: fc.constantFrom('"', "'") as fc.Arbitrary<'"' | "'">,
    date1904: fc.boolean(),
  });

  it('random sheets, random writer habits: both readers give back exactly the cells written', () => {
    fc.assert(
      fc.property(sheet, options, (rows, o) => {
        const bytes = rawXlsx([{ name: 'S', rows }], o);
        const { fast, full } = bothReaders(bytes);
        const expected = plainRows({ name: 'S', rows });
        assert.deepEqual(plainRows(fast[0]!), expected);
        // SheetJS does not count a bare <row/> that has no reference; Excel does, and so do we.
        if (!o.omitRefs || !expected.includes(null)) assert.deepEqual(plainRows(full[0]!), expected);
      }),
      { numRuns: 150 },
    );
  });

  it('escapes (_x000D_, entities), phonetic runs, a custom date format and ISO-dated cells', async () => {
    const sheetXml = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" s="2"><v>45356</v></c><c r="D1" t="d"><v>2024-03-05T12:00:00</v></c><c r="E1" t="str"><v>a&amp;b_x000D_c</v></c></row>';
    const bytes = rawXlsx([{ name: 'S', rows: [], rawRows: () => sheetXml }]);
    const files: Record<string, Uint8Array> = {};
    const zip = new ZipArchive(bytes, zlibInflate);
    for (const n of zip.names()) files[n] = zip.read(n)!;
    files['xl/sharedStrings.xml'] = strToU8('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>台式</t></r><r><rPr><b/></rPr><t>计算机</t></r><rPh sb="0" eb="2"><t>タイシキ</t></rPh></si><si><t>第一行_x000D_&#10;第二行 &lt;注&gt;</t></si></sst>');
    const grid = await (await openWorkbook(zipSync(files), 'e.xlsx')).readSheet('S');
    assert.deepEqual(plainRows(grid), [['台式计算机', '第一行\r\n第二行 <注>', dateCell(45356), dateCell(45356.5), 'a&b\rc']]);
  });

  it('a ZIP64 package and one whose parts are stored uncompressed', async () => {
    const bytes = rawXlsx([{ name: 'S', rows: [['编号', 1]] }]);
    const zip = new ZipArchive(bytes, zlibInflate);
    const files: Record<string, [Uint8Array, { level: 0 }]> = {};
    for (const n of zip.names()) files[n] = [zip.read(n)!, { level: 0 }];
    const stored = zipSync(files);
    assert.deepEqual(plainRows(await (await openWorkbook(stored, 's.xlsx')).readSheet('S')), [['编号', 1]]);
    const z64 = toZip64(bytes);
    assert.deepEqual(plainRows(await (await openWorkbook(z64, 'z.xlsx', { inflate: zlibInflate })).readSheet('S')), [['编号', 1]]);
  });

  it('number formats: dates and times are dates; currency, percent, text and General are not', () => {
    for (const code of ['yyyy-mm-dd', 'yyyy"年"m"月"d"日"', 'm/d/yy h:mm', '[$-804]yyyy年m月', 'h:mm:ss', '[h]:mm', 'dd/mm/yyyy;@', 'mmm-yy']) assert.ok(isDateFormatCode(code), code);
    for (const code of ['General', '0.00', '#,##0.00_);[Red](#,##0.00)', '"¥"#,##0.00', '0%', '@', '[Red]0.00', '0.00"元"', '0.00E+00', '#,##0"天"']) assert.ok(!isDateFormatCode(code), code);
  });
});

describe('files that cannot be read: one line in the user\'s language, saying what to do', () => {
  const dir = tmpDir();
  const sample = readFileSync(SAMPLE);
  const put = (name: string, bytes: Uint8Array | string) => {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const cases: [string, () => string, RegExp, RegExp][] = [
    ['a missing file', () => path.join(dir, 'nope.xlsx'), /^ledger-sync: 找不到文件：.*nope\.xlsx\n$/, /^ledger-sync: file not found: .*nope\.xlsx\n$/],
    ['a folder', () => dir, /是文件夹，不是文件/, /is a folder, not a file/],
    ['a text file called .xlsx', () => put('notes.xlsx', 'just some text'), /不是表格文件（是文本文件）/, /is not a spreadsheet \(it is a text file\)/],
    ['an empty file', () => put('empty.xlsx', ''), /是空文件/, /is empty \(0 bytes\)/],
    ['a password-protected .xlsx (an OLE file holding EncryptionInfo)', () => put('locked.xlsx', oleFile('EncryptionInfo')), /请先在 Excel 中取消密码后再检查/, /is password-protected: .*remove the password/],
    ['a zip-encrypted entry', () => put('zipcrypt.xlsx', zipEncrypted(sample)), /请先在 Excel 中取消密码后再检查/, /is password-protected/],
    ['a truncated workbook', () => put('cut.xlsx', sample.subarray(0, Math.floor(sample.length / 2))), /已损坏，无法读取/, /is damaged and cannot be read/],
    ['a Word document', () => put('memo.xls', oleFile('WordDocument')), /不是表格文件（是Word 文档）/, /it is a Word document/],
    ['a .docx renamed .xlsx', () => put('memo.xlsx', zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': strToU8('<w:document/>') })), /是Word 文档/, /Word document/],
    ['a PDF', () => put('scan.xlsx', '%PDF-1.7\n\u0000\u0001binary'), /是PDF 文档/, /a PDF document/],
    ['an unknown extension', () => put('book.numbers', 'x'), /扩展名“\.numbers”不是可读的表格格式/, /extension "\.numbers" is not a spreadsheet format/],
    ['a CSV in neither UTF-8 nor GB18030', () => put('bad.csv', Buffer.from([0x41, 0x2c, 0x81, 0x20, 0xff, 0x0a])), /文字编码无法识别/, /neither UTF-8 nor GBK/],
  ];
  for (const [what, make, zh, en] of cases) {
    it(what, async () => {
      const p = make();
      const a = await cli('check', p);
      assert.equal(a.code, 2);
      assert.equal(a.out, '');
      assert.match(a.err, zh);
      assert.equal(a.err.trim().split('\n').length, 1, a.err);
      // Only names may be in Latin letters: the file's, the programs', the formats'.
      const words = a.err.split(p).join('').replace(/ledger-sync|Excel|WPS|UTF-8|GBK|GB18030|CSV|Word|PDF|\.(xlsx|xlsm|xls|et|ods|csv|numbers)/g, '');
      assert.ok(!/[A-Za-z]{2,}/.test(words), `English in a Chinese message: ${a.err}`);
      const b = await cli('check', p, '--lang', 'en');
      assert.equal(b.code, 2);
      assert.match(b.err, en);
      assert.ok(!/[\u4e00-\u9fff]/.test(b.err), `Chinese in an English message: ${b.err}`);
    });
  }

  it('a ReadError carries a code, never a library\'s words', async () => {
    await assert.rejects(openWorkbook(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), 'x.xlsx'), (e: unknown) => e instanceof ReadError && e.code === 'damaged');
  });
});

describe('CSV: quoted fields, line breaks, separators', () => {
  const table: [string, (string | null)[][]][] = [
    ['a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['a,"b,c"\n"x ""y""",\n', [['a', 'b,c'], ['x "y"', null]]],
    ['"line\nbreak",2', [['line\nbreak', '2']]],
    ['a\tb\n1\t2', [['a', 'b'], ['1', '2']]],
    ['a;b;c\n1;2;3', [['a', 'b', 'c'], ['1', '2', '3']]],
    ['a,b\n\n1,2\n\n', [['a', 'b'], [], ['1', '2']]],
    ['金额,"¥4,800.00"\r1,2', [['金额', '¥4,800.00'], ['1', '2']]],
  ];
  for (const [text, rows] of table) {
    it(JSON.stringify(text), () => assert.deepEqual(parseDelimited(text), rows));
  }
});

/** A minimal OLE2 compound file header with one stream name in its directory (names are UTF-16LE). */
function oleFile(stream: string): Buffer {
  const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  const body = Buffer.alloc(1024);
  Buffer.from(stream, 'utf16le').copy(body, 512);
  return Buffer.concat([header, body]);
}

/** The package with the encryption flag set on every entry (traditional PKWARE encryption). */
function zipEncrypted(bytes: Buffer): Buffer {
  const b = Buffer.from(bytes);
  for (let i = 0; i + 4 <= b.length; i++) {
    const sig = b.readUInt32LE(i);
    if (sig === 0x04034b50) b.writeUInt16LE(b.readUInt16LE(i + 6) | 1, i + 6);
    if (sig === 0x02014b50) b.writeUInt16LE(b.readUInt16LE(i + 8) | 1, i + 8);
  }
  return b;
}

/** Rewrites a ZIP as ZIP64 records: 0xFFFFFFFF in the directory, the real figures in extra fields. */
function toZip64(bytes: Uint8Array): Uint8Array {
  const b = Buffer.from(bytes);
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 5, 6]));
  const count = b.readUInt16LE(eocd + 10);
  const cdOffset = b.readUInt32LE(eocd + 16);
  const entries: Buffer[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    const n = b.readUInt16LE(p + 28), e = b.readUInt16LE(p + 30), c = b.readUInt16LE(p + 32);
    const head = Buffer.from(b.subarray(p, p + 46 + n));
    const extra = Buffer.alloc(4 + 24);
    extra.writeUInt16LE(1, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(head.readUInt32LE(24)), 4);
    extra.writeBigUInt64LE(BigInt(head.readUInt32LE(20)), 12);
    extra.writeBigUInt64LE(BigInt(head.readUInt32LE(42)), 20);
    head.writeUInt32LE(0xffffffff, 20);
    head.writeUInt32LE(0xffffffff, 24);
    head.writeUInt32LE(0xffffffff, 42);
    head.writeUInt16LE(extra.length, 30);
    entries.push(head, extra);
    p += 46 + n + e + c;
  }
  const cd = Buffer.concat(entries);
  const newCdOffset = cdOffset;
  const rec = Buffer.alloc(56);
  rec.writeUInt32LE(0x06064b50, 0);
  rec.writeBigUInt64LE(44n, 4);
  rec.writeUInt16LE(45, 12);
  rec.writeUInt16LE(45, 14);
  rec.writeBigUInt64LE(BigInt(count), 24);
  rec.writeBigUInt64LE(BigInt(count), 32);
  rec.writeBigUInt64LE(BigInt(cd.length), 40);
  rec.writeBigUInt64LE(BigInt(newCdOffset), 48);
  const loc = Buffer.alloc(20);
  loc.writeUInt32LE(0x07064b50, 0);
  loc.writeBigUInt64LE(BigInt(newCdOffset + cd.length), 8);
  loc.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([b.subarray(0, cdOffset), cd, rec, loc, end]);
}

