import assert from 'node:assert/strict';
import path from 'node:path';
import { OfficeWorkbook, ExcelRun, columnBlocks } from '../addin/excel-adapter';
import { checkWorkbook } from '../shared/check';
import { readAllSheets } from '../shared/workbook';
import { layoutAnalysis, rangeA1 } from '../shared/sheet-layout';
import { Analysis } from '../shared/analysis';
import { readWorkbookFile } from '../cli/read-workbook';
import { cli } from './support/cli';
import { FakeExcel } from './support/fake-excel';
import { rawXlsx } from './support/raw-xlsx';
import { plainRows } from './support/grid';
import { openWorkbook } from '../shared/read/workbook-file';
import { mergesOfPackage } from '../shared/read/package-merges';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
const HEADERS = ['合同编号', '计划编号', '采购日期', '部门', '品目编码', '品目名称', '规格型号', '供应商', '数量', '单价', '金额', '采购方式', '变更批复', '发票号', '备注'];

function ledger(n: number): unknown[][] {
  const rows: unknown[][] = [HEADERS];
  for (let i = 0; i < n; i++) {
    rows.push([`HT-${i + 1}`, `JH-${(i % 500) + 1}`, 45300 + (i % 180), ['办公室', '财务科', '业务一科'][i % 3], 'A02010105', '台式计算机', 'i5/16G/512G', '某某科技有限公司', 1 + (i % 5), 5000, (1 + (i % 5)) * 5000, '协议采购', '', `FP${100000 + i}`, i % 7 === 0 ? '分批到货' : '']);
  }
  return rows;
}

const runOf = (fake: FakeExcel) => fake.run as unknown as ExcelRun;

describe('the Office.js adapter on a fake Excel host', function () {
  this.timeout(120_000);

  it('reads a 100,000 × 15 ledger in row blocks, every request and response under 5 MB', async () => {
    const fake = new FakeExcel();
    const rows = ledger(100_000);
    fake.addSheet('合同台账', rows);
    const book = new OfficeWorkbook(runOf(fake));
    assert.deepEqual(await book.sheetNames(), ['合同台账']);
    const grid = await book.readSheet('合同台账');
    assert.equal(grid.rows.length, 100_001);
    assert.deepEqual(grid.rows[0], HEADERS);
    assert.deepEqual(grid.rows[100_000], rows[100_000]!.map((v) => (v === '' ? null : v)));
    assert.ok(fake.maxResponseBytes < 5 * 1024 * 1024 && fake.maxRequestBytes < 5 * 1024 * 1024);
    console.log(`      100,000 × 15 read in ${fake.syncs} syncs; largest response ${(fake.maxResponseBytes / 1e6).toFixed(2)} MB`);
    assert.ok(fake.syncs <= 30, `${fake.syncs} syncs`);
    const checked = checkWorkbook([grid], { asOf: '2024-06' });
    assert.equal(checked.ledgers.purchase!.rows.length, 100_000);
  });

  it('shrinks a block the host refuses and goes on', async () => {
    const fake = new FakeExcel();
    fake.addSheet('合同台账', ledger(60_000));
    // Told the host takes 50 MB a request: the first full blocks are refused, halved, and read.
    const book = new OfficeWorkbook(runOf(fake), { maxPayloadBytes: 50_000_000 });
    const grid = await book.readSheet('合同台账');
    assert.equal(grid.rows.length, 60_001);
    assert.ok(fake.refused > 0, 'the host refused a block');
    assert.ok(fake.maxResponseBytes <= 5 * 1024 * 1024);
    assert.deepEqual(grid.rows[60_000]![0], 'HT-60000');
  });

  it('reads the sample through the adapter to the same findings as the CLI', async () => {
    const fake = new FakeExcel();
    for (const g of await readAllSheets(await readWorkbookFile(SAMPLE, 'zh'))) {
      // What Office.js gives: dates as serial numbers, errors as their text, empty as "".
      fake.addSheet(g.name, g.rows.map((r) => (r ?? []).map((c) => (c === null ? '' : typeof c === 'object' ? (c.kind === 'date' ? c.serial : c.text) : c))));
    }
    const grids = await readAllSheets(new OfficeWorkbook(runOf(fake)));
    const viaOffice = checkWorkbook(grids, { asOf: '2024-06' });
    const viaCli = JSON.parse((await cli('check', SAMPLE, '--json', '--as-of', '2024-06')).out);
    const shape = (f: { code: string; sheet?: string; row?: number; column?: string }) => `${f.code} ${f.sheet}!${f.column ?? ''}${f.row ?? ''}`;
    assert.deepEqual(viaOffice.findings.map(shape), viaCli.findings.map(shape));
  });

  it('reads merged ranges as the file reader does (ExcelApi 1.13): each cell its range\'s top-left value', async () => {
    const rows = [['合同编号', '部门', '品目名称', '数量', '单价', '采购方式'], ['HT-1', '办公室', '台式计算机', 1, 5000, '协议采购'], ['HT-2', null, '打印机', 2, 1200, '协议采购'], ['HT-3', '财务科', '扫描仪', 1, 900, null]];
    const bytes = rawXlsx([{ name: '合同台账', rows, after: '<mergeCells count="2"><mergeCell ref="B2:B3"/><mergeCell ref="F3:F4"/></mergeCells>' }]);
    const viaFile = await (await openWorkbook(bytes, 'm.xlsx')).readSheet('合同台账');
    const fake = new FakeExcel();
    // What Excel holds: the value in the top-left cell only, the ranges as merges.
    fake.addSheet('合同台账', rows.map((r) => r.map((c) => c ?? ''))).merges = ['B2:B3', 'F3:F4'];
    const viaOffice = await new OfficeWorkbook(runOf(fake), { mergedAreas: true }).readSheet('合同台账');
    assert.deepEqual(plainRows(viaOffice), plainRows(viaFile));
    assert.deepEqual(viaOffice.merges, viaFile.merges);
    assert.equal(viaOffice.rows[2]![1], '办公室');
    // Without ExcelApi 1.13 and without the workbook's file the other cells of a range read empty.
    const old = await new OfficeWorkbook(runOf(fake)).readSheet('合同台账');
    assert.equal(old.rows[2]![1], null);
  });

  it('reads merged ranges from the workbook’s own file where Excel cannot say (before ExcelApi 1.13): the same workbook the same through both adapters', async () => {
    // A two-row grouped header in 万元 over two sheets, one of them with a prefix and shared strings.
    const assets = [['单位：万元'], ['资产编号', '资产名称', '价值', null, '取得日期'], [null, null, '原值', '累计折旧', null], ['ZC-1', '台式计算机', 0.5, 0.1, '2024-03-05'], ['ZC-2', null, 0.3, 0.05, '2024-04-01'], ['制表人：张三']];
    const contracts = [['合同编号', '部门', '品目名称', '数量', '单价', '采购方式'], ['HT-1', '办公室', '台式计算机', 1, 5000, '协议采购'], ['HT-2', null, '打印机', 2, 1200, '协议采购']];
    const bytes = rawXlsx([
      { name: '固定资产台账', rows: assets, after: '<x:mergeCells count="5"><x:mergeCell ref="C2:D2"/><x:mergeCell ref="A2:A3"/><x:mergeCell ref="B2:B3"/><x:mergeCell ref="E2:E3"/><x:mergeCell ref="B4:B5"/></x:mergeCells>' },
      { name: '合同台账', rows: contracts, after: '<x:mergeCells count="1"><x:mergeCell ref="B2:B3"/></x:mergeCells>' },
    ], { prefix: 'x:', strings: 'shared' });
    const file = await openWorkbook(bytes, 'merged.xlsx');
    const fake = new FakeExcel();
    fake.addSheet('固定资产台账', assets.map((r) => r.map((c) => c ?? '')));
    fake.addSheet('合同台账', contracts.map((r) => r.map((c) => c ?? '')));
    let asked = 0;
    const book = new OfficeWorkbook(runOf(fake), { fileMerges: async () => (asked++, mergesOfPackage(bytes)) });
    const viaOffice = await readAllSheets(book);
    const viaFile = await readAllSheets(file);
    assert.deepEqual(viaOffice.map(plainRows), viaFile.map(plainRows));
    assert.deepEqual(viaOffice.map((g) => g.merges), viaFile.map((g) => g.merges));
    assert.equal(asked, 1, 'the file is asked for once per reading of the workbook');
    assert.equal(viaOffice[1]!.rows[2]![1], '办公室');
    assert.equal(viaOffice[0]!.rows[4]![1], '台式计算机');
    assert.equal(viaOffice[0]!.merges!.length, 5);
    // And the core reads both the same: the grouped header, its unit, the footer, the findings.
    const shape = (f: { code: string; sheet?: string; row?: number; column?: string }) => `${f.code} ${f.sheet}!${f.column ?? ''}${f.row ?? ''}`;
    const a = checkWorkbook(viaOffice, { asOf: '2024-06' });
    const b = checkWorkbook(viaFile, { asOf: '2024-06' });
    assert.deepEqual(a.findings.map(shape), b.findings.map(shape));
    const sheetsOf = (c: typeof a) => Object.values(c.ledgers).flatMap((l) => l!.sheets.map((x) => [x.sheet, x.header_row, x.header_rows, x.money_unit ?? '元', x.footer_row ?? 0, x.data_rows]));
    assert.deepEqual(sheetsOf(a), sheetsOf(b));
    assert.ok(sheetsOf(a).some(([sheet, row, rows, unit]) => sheet === '固定资产台账' && row === 2 && rows === 2 && unit === '万元'), JSON.stringify(sheetsOf(a)));
    await readAllSheets(book);
    assert.equal(asked, 2, 'a new reading asks again: the merges may have changed');
  });

  it('reads Excel error values as errors, and skips its own analysis sheets', async () => {
    const fake = new FakeExcel();
    fake.addSheet('支出明细', [['凭证号', '金额'], ['PZ-1', '#N/A'], ['PZ-2', '#DIV/0!']]);
    fake.addSheet('执行总览', [['x']]);
    fake.names.push({ name: '_LedgerSync.summary', formula: "='执行总览'!$A$1", visible: false, comment: '' });
    const book = new OfficeWorkbook(runOf(fake));
    assert.deepEqual(await book.sheetNames(), ['支出明细']);
    const g = await book.readSheet('支出明细');
    assert.deepEqual(g.rows[1], ['PZ-1', { kind: 'error', text: '#N/A' }]);
  });

  describe('writing the analysis sheets', () => {
    let analysis: Analysis;
    before(async () => {
      const j = JSON.parse((await cli('analyze', SAMPLE, '--json', '--as-of', '2024-06')).out);
      analysis = { as_of: j.as_of, tables: j.analysis, charts: j.charts };
    });
    const meta = { unit: '某某局', period: '2024-06', asOf: '2024-06-30', generatedAt: '2026-11-26 09:00', lang: 'zh' as const };

    it('writes each sheet as laid out in shared/: values, formats, a table, a chart with explicit seriesBy, a hidden mark', async () => {
      const fake = new FakeExcel();
      fake.addSheet('合同台账', [['合同编号'], ['HT-1']]);
      const layouts = layoutAnalysis(analysis, meta);
      const book = new OfficeWorkbook(runOf(fake));
      await book.writeLayouts(layouts);
      assert.deepEqual(fake.sheets.map((s) => s.name), ['合同台账', ...layouts.map((l) => l.name)]);
      for (const l of layouts) {
        const s = fake.sheet(l.name);
        assert.equal(s.cells[0]![0], l.title.text);
        assert.deepEqual(s.cells[l.headerRow]!.slice(0, l.columns.length), l.columns.map((c) => c.label));
        assert.equal(s.tables.length, 1);
        assert.equal(s.tables[0]!.name, l.tableName);
        assert.equal(s.tables[0]!.address, rangeA1({ ...l.tableRange, lastRow: l.tableRange.lastRow - (l.totals ? 1 : 0) }));
        assert.equal(s.tables[0]!.showTotals, l.totals !== null);
        assert.equal(s.frozenRows, l.frozenRows);
        assert.equal(s.charts.length, l.chart ? 1 : 0, l.name);
        if (l.chart) {
          const c = s.charts[0]!;
          assert.equal(c.seriesBy, 'Columns');
          assert.equal(c.title, l.chart.title);
          assert.deepEqual(c.series.map((x) => [x.name, x.values, x.xValues]), l.chart.series.map((x) => [x.name, rangeA1(x.values).includes(':') ? rangeA1(x.values) : `${rangeA1(x.values)}:${rangeA1(x.values)}`, rangeA1(l.chart!.categories)]));
        }
        const mark = fake.names.find((n) => n.name === l.markName)!;
        assert.equal(mark.visible, false);
      }
      const summary = fake.sheet('执行总览');
      assert.equal(summary.formats.get('4,3'), '#,##0.00'); // D5, plan_amount
      assert.equal(summary.formats.get('4,8'), '0.0%'); // I5, exec_rate
      assert.deepEqual(summary.cells[4]!.slice(0, 4), layouts[0]!.rows[0]!.slice(0, 4));
      const plan = fake.sheet('计划明细');
      const totalsRow = layouts[3]!.tableRange.lastRow;
      assert.equal(plan.formulas.get(`${totalsRow},7`), '=SUBTOTAL(109,LedgerSync_plan_lines[计划金额])');
      // A rate's total: the rate of the totals, as the .xlsx writer gives it.
      const dl = layouts.find((l) => l.key === 'departments')!;
      const rate = dl.columns.findIndex((c) => c.key === 'exec_rate');
      assert.equal(fake.sheet('部门对比').formulas.get(`${dl.tableRange.lastRow},${rate}`), '=IFERROR(SUBTOTAL(109,LedgerSync_departments[执行金额])/SUBTOTAL(109,LedgerSync_departments[计划金额]),"")');
      // 是/否 centred.
      const el = layouts.find((l) => l.key === 'expenses')!;
      const flag = el.columns.findIndex((c) => c.format === 'flag');
      assert.ok(flag > 0);
      assert.equal(fake.sheet('支出执行').aligned.get(`${el.headerRow + 1},${flag}`), 'Center');
      assert.ok(fake.suspendedCalcSyncs > 0, 'calculation suspended while writing');
      console.log(`      9 analysis sheets written in ${fake.syncs} syncs`);
    });

    it('writes text that looks like a formula as text', async () => {
      const fake = new FakeExcel();
      const evil = { ...analysis, tables: { ...analysis.tables, findings: { ...analysis.tables.findings, rows: [['error', 'P01', 'purchase', '合同台账', 2, 'A', null, '=HYPERLINK("http://evil","x")', null, '@SUM(A1)']] } } };
      await new OfficeWorkbook(runOf(fake)).writeLayouts(layoutAnalysis(evil, meta).filter((l) => l.key === 'findings'));
      const s = fake.sheet('异常清单');
      // After 位置 (合同台账!A2, a link to the cell): the value and the message.
      assert.equal(s.cells[4]![6], '合同台账!A2');
      assert.equal(s.cells[4]![8], '=HYPERLINK("http://evil","x")');
      assert.equal(s.cells[4]![10], '@SUM(A1)');
      // No such sheet in this workbook: no link written.
      assert.equal(s.links, undefined);
      assert.equal([...s.formulas.keys()].filter((k) => k.startsWith('4,')).length, 0, 'no formula in the data rows');
    });

    it('replaces only its own sheets when writing again, and refuses to touch a user sheet of the same name', async () => {
      const fake = new FakeExcel();
      const layouts = layoutAnalysis(analysis, meta);
      const book = new OfficeWorkbook(runOf(fake));
      await book.writeLayouts(layouts);
      await book.writeLayouts(layouts);
      assert.equal(fake.sheets.length, 9);
      assert.equal(fake.names.length, 9);
      const other = new FakeExcel();
      other.addSheet('支出执行', [['我的表']]);
      await assert.rejects(new OfficeWorkbook(runOf(other)).writeLayouts(layouts), /already has a sheet "支出执行" that ledger-sync did not write/);
      assert.deepEqual(other.sheets.map((s) => s.name), ['支出执行']);
      assert.deepEqual(other.sheet('支出执行').cells, [['我的表']]);
    });

    it('written again in the other language, the first set goes (by its marks): one set of nine, the clerk’s sheets kept', async () => {
      const fake = new FakeExcel();
      fake.addSheet('合同台账', [['合同编号'], ['HT-1']]);
      const book = new OfficeWorkbook(runOf(fake));
      await book.writeLayouts(layoutAnalysis(analysis, meta));
      // The same tables under other sheet names, as an analysis in English names them.
      const other = { ...analysis, tables: Object.fromEntries(Object.entries(analysis.tables).map(([k, t]) => [k, { ...t, sheet: `EN ${k}` }])) } as typeof analysis;
      await book.writeLayouts(layoutAnalysis(other, { ...meta, lang: 'en' }));
      assert.equal(fake.sheets.length, 10);
      assert.deepEqual(fake.sheets.map((x) => x.name).slice(0, 2), ['合同台账', 'EN summary']);
      assert.equal(fake.names.length, 9);
    });

    it('a finding’s location is a link to its cell where that sheet is in the workbook', async () => {
      const fake = new FakeExcel();
      fake.addSheet('合同台账', [['合同编号'], ['HT-1']]);
      const findings = { ...analysis.tables.findings, rows: [['error', 'P01', 'purchase', '合同台账', 2, 'B', 'purchase_id=HT-1', 'JH-9', null, '计划编号 JH-9 不存在'], ['error', 'E02', 'expense', '支出明细', 3, 'F', null, 'HT-9', null, '不存在']] };
      await new OfficeWorkbook(runOf(fake)).writeLayouts(layoutAnalysis({ ...analysis, tables: { ...analysis.tables, findings } }, meta).filter((l) => l.key === 'findings'));
      const s = fake.sheet('异常清单');
      assert.deepEqual([s.cells[4]![6], s.cells[4]![7]], ['合同台账!B2', '合同编号 HT-1']);
      assert.deepEqual([...(s.links ?? new Map()).entries()], [['4,6', { documentReference: "'合同台账'!B2", textToDisplay: '合同台账!B2' }]]);
    });
  });

  describe('marks on bad cells', () => {
    const cells = Array.from({ length: 600 }, (_, i) => ({ sheet: '合同台账', address: `${'ABCDEFGHIJ'[i % 10]}${2 + i * 3}` }));

    it('batches scattered cells into few RangeAreas where ExcelApi 1.9 is there, one range each otherwise', async () => {
      const fake = new FakeExcel();
      fake.addSheet('合同台账', ledger(2000));
      const withAreas = await new OfficeWorkbook(runOf(fake), { rangeAreas: true }).markCells(cells);
      assert.ok(withAreas <= 5, `${withAreas} conditional formats for 600 cells`);
      assert.equal(fake.syncs, 1);
      const marked = fake.sheet('合同台账').cfs.flatMap((c) => c.addresses.split(','));
      assert.deepEqual(marked.sort(), cells.map((c) => c.address).sort());
      const plain = new FakeExcel();
      plain.addSheet('合同台账', ledger(2000));
      assert.equal(await new OfficeWorkbook(runOf(plain)).markCells(cells), 600);
    });

    it('merges cells that run down a column into one block, with or without RangeAreas', async () => {
      assert.deepEqual(columnBlocks(['C5', 'C6', 'C7', 'A2', 'C9', 'C6', 'B10']), ['C5:C7', 'C9', 'A2', 'B10']);
      const fake = new FakeExcel();
      fake.addSheet('合同台账', ledger(100));
      const run = Array.from({ length: 40 }, (_, i) => ({ sheet: '合同台账', address: `K${10 + i}` }));
      assert.equal(await new OfficeWorkbook(runOf(fake)).markCells(run), 1);
      assert.deepEqual(fake.sheet('合同台账').cfs.map((c) => c.addresses), ['K10:K49']);
    });

    it('clears its own marks and never the user’s formatting', async () => {
      const fake = new FakeExcel();
      const s = fake.addSheet('合同台账', ledger(10));
      s.cfs.push({ type: 'Custom', addresses: 'A1:A10', formula: '=$I2>3', fill: '#00FF00', font: null, deleted: false });
      const book = new OfficeWorkbook(runOf(fake), { rangeAreas: true });
      await book.markCells(cells.slice(0, 5));
      assert.equal(s.cfs.filter((c) => !c.deleted).length, 2);
      assert.equal(await book.clearMarks(), 1);
      assert.deepEqual(s.cfs.filter((c) => !c.deleted).map((c) => c.formula), ['=$I2>3']);
    });

    it('shows each finding’s message on its cell, never over a validation rule of the user’s, and clears only its own', async () => {
      const fake = new FakeExcel();
      const s = fake.addSheet('合同台账', ledger(10));
      s.validations.set('L3:L3', { type: 'List', prompt: { showPrompt: true, title: '采购方式', message: '从下拉列表选择' } });
      const book = new OfficeWorkbook(runOf(fake), { rangeAreas: true });
      await book.markCells([
        { sheet: '合同台账', address: 'C2', message: '“采购日期”无法识别为日期' },
        { sheet: '合同台账', address: 'L3', message: '采购方式不是已知的方式' },
      ]);
      assert.deepEqual(s.validations.get('C2:C2'), { type: 'None', prompt: { showPrompt: true, title: 'ledger-sync 台账同步', message: '“采购日期”无法识别为日期' } });
      assert.deepEqual(s.validations.get('L3:L3')!.prompt!.title, '采购方式', 'the user’s rule keeps its own message');
      assert.deepEqual(book.prompted, [{ sheet: '合同台账', address: 'C2' }]);
      await book.clearMarks();
      assert.equal(s.validations.has('C2:C2'), false);
      assert.equal(s.validations.get('L3:L3')!.type, 'List');
      assert.equal(s.cfs.filter((c) => !c.deleted).length, 0);
    });

    it('moves the selection to a finding’s cell', async () => {
      const fake = new FakeExcel();
      fake.addSheet('合同台账', ledger(10));
      await new OfficeWorkbook(runOf(fake)).select('合同台账', 'C7');
      assert.deepEqual(fake.selection, { sheet: '合同台账', address: 'C7:C7' });
      assert.equal(fake.active, '合同台账');
    });
  });
});
