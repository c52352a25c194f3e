import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, promises as fs } from 'node:fs';
import JSZip from 'jszip';
import ExcelJS from 'exceljs';
import { Analysis, AnalysisTable, TABLE_KEYS } from '../shared/analysis';
import { layoutAnalysis, layoutSheet, needsTextGuard, rangeA1, SheetLayout, keyOfMarkName } from '../shared/sheet-layout';
import { writeAnalysisSheets } from '../shared/write/analysis-sheets';
import { PALETTE } from '../shared/write/chart-part';
import { cli } from './support/cli';
import { tmpDir, writeXlsx } from './support/xlsx';
import { withForeignChart, FOREIGN_CHART_COLOUR, FOREIGN_CHART_PART } from './support/foreign-chart';
import { countColour, haveRenderer, renderPages } from './support/render';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
const META = { unit: '某某局', period: '2024-06', asOf: '2024-06-30', generatedAt: '2026-11-26 09:00', lang: 'zh' as const };
const EDITED_PARTS = ['[Content_Types].xml', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml'];
const SHEETS_ZH = ['执行总览', '月度执行', '采购方式', '计划明细', '异常清单', '资产追溯', '部门对比', '支出执行', '预算建议'];

async function sampleAnalysis(lang = 'zh'): Promise<Analysis> {
  const r = await cli('analyze', SAMPLE, '--json', '--as-of', '2024-06', '--lang', lang);
  const j = JSON.parse(r.out);
  return { as_of: j.as_of, tables: j.analysis, charts: j.charts };
}

async function parts(file: string): Promise<Map<string, Buffer>> {
  const zip = await JSZip.loadAsync(await fs.readFile(file));
  const out = new Map<string, Buffer>();
  for (const [name, f] of Object.entries(zip.files)) if (!f.dir) out.set(name, await f.async('nodebuffer'));
  return out;
}
const text = (m: Map<string, Buffer>, part: string) => m.get(part)!.toString('utf8');

describe('analysis sheet layout (shared, used by both writers)', () => {
  let analysis: Analysis;
  let layouts: SheetLayout[];
  before(async () => {
    analysis = await sampleAnalysis();
    layouts = layoutAnalysis(analysis, META);
  });

  it('lays out the nine sheets of analysis.md under their contract names, each marked as ours', () => {
    assert.deepEqual(layouts.map((l) => l.name), SHEETS_ZH);
    assert.deepEqual(layouts.map((l) => keyOfMarkName(l.markName)), [...TABLE_KEYS]);
    assert.equal(keyOfMarkName('_LedgerSync.nonsense'), null);
    assert.equal(keyOfMarkName('Print_Area'), null);
    assert.equal(layouts[0]!.title.text, '某某局 2024年6月 预算执行分析 — 执行总览');
    assert.match(layouts[0]!.subtitle.text, /^截至 2024-06-30　生成于 2026-11-26 09:00$/);
  });

  it('gives every column a label Excel accepts as a table column, and the formats of analysis.md', () => {
    for (const l of layouts) {
      const labels = l.columns.map((c) => c.label);
      assert.equal(new Set(labels).size, labels.length, `${l.name}: labels unique`);
      for (const label of labels) assert.doesNotMatch(label, /[\[\]#'\n]/, `${l.name}: ${label}`);
    }
    const summary = layouts[0]!;
    const fmt = (key: string) => summary.columns.find((c) => c.key === key)!.format;
    assert.deepEqual([fmt('plan_amount'), fmt('exec_rate'), fmt('savings_rate'), fmt('plan_qty'), fmt('item_name')], ['money', 'percent', 'percent', 'quantity', 'text']);
    const trace = layouts.find((l) => l.key === 'asset_trace')!;
    assert.deepEqual(trace.rows[0]!.slice(0, 4), ['HT-2024-027', 'A02021104', '液晶显示器', { date: 45311 }]); // 2024-01-20
  });

  it("turns the summary's total row into the table's totals row, and sums amounts elsewhere", () => {
    const summary = layouts[0]!;
    assert.equal(summary.rows.length, analysis.tables.summary.rows.length - 1);
    assert.ok(summary.rows.every((r) => r[1] !== '合计'));
    const totals = summary.totals!;
    assert.deepEqual(totals[0], { kind: 'label', value: '合计' });
    assert.deepEqual(totals[summary.columns.findIndex((c) => c.key === 'exec_amount')], { kind: 'value', value: 824215 });
    const plan = layouts.find((l) => l.key === 'plan_lines')!;
    const j = plan.columns.findIndex((c) => c.key === 'plan_amount');
    assert.deepEqual(plan.totals![j], { kind: 'sum', value: 965180 });
    assert.deepEqual(plan.totals![plan.columns.findIndex((c) => c.key === 'plan_unit_price')], { kind: 'value', value: null });
    assert.equal(layouts.find((l) => l.key === 'findings')!.totals, null);
    assert.equal(layouts.find((l) => l.key === 'expenses')!.totals, null, 'expenses carry their own subtotals');
    assert.deepEqual(plan.tableRange, { row: 3, col: 0, lastRow: 3 + plan.rows.length + 1, lastCol: 12 });
  });

  it('points a chart of contiguous rows at the table, and gives scattered rows a block of their own', () => {
    const monthly = layouts.find((l) => l.key === 'monthly')!;
    const c = monthly.chart!;
    assert.equal(c.type, 'line');
    assert.equal(c.seriesBy, 'columns');
    assert.equal(monthly.chartData, null);
    assert.equal(rangeA1(c.categories), 'A5:A10');
    assert.deepEqual(c.series.map((s) => rangeA1(s.values)), ['D5:D10', 'E5:E10']);
    assert.deepEqual(c.series.map((s) => rangeA1(s.nameCell)), ['D4', 'E4']);
    assert.deepEqual(c.anchor, { row: 3, col: 7, rows: 18, cols: 8 });

    // The summary is sorted by plan amount: its ten largest are its first ten rows.
    assert.equal(rangeA1(layouts[0]!.chart!.categories), 'B5:B14');
    const expenses = layouts.find((l) => l.key === 'expenses')!;
    const sc = expenses.chart!;
    const block = expenses.chartData!;
    const subtotals = expenses.rows.filter((r) => r[2] === '小计');
    assert.ok(subtotals.length > 1 && subtotals.length < expenses.rows.length);
    assert.equal(block.rows.length, subtotals.length, 'one chart row per econ class subtotal');
    assert.deepEqual(block.header.labels, ['经济分类', '预算金额', '支出金额']);
    assert.deepEqual(block.rows, subtotals.map((r) => [r[0], r[3], r[4]]));
    assert.equal(sc.categories.col, block.header.col);
    assert.equal(sc.categories.row, block.header.row + 1);
    assert.deepEqual(sc.categoryValues, block.rows.map((r) => String(r[0])));
    assert.deepEqual(sc.seriesValues[1], block.rows.map((r) => r[2]));
    assert.equal(sc.anchor.row + sc.anchor.rows < block.caption.row, true, 'the block sits under the chart');
  });

  it('lays out an empty table with one blank row and no chart (Excel tables cannot be empty)', () => {
    const empty: AnalysisTable = { title: '采购方式', sheet: '采购方式', columns: ['method', 'purchase_count', 'exec_amount', 'share', 'plan_amount'], rows: [] };
    const l = layoutSheet('methods', empty, { sheet: '采购方式', type: 'pie', title: '采购方式构成', category: 'method', series: ['exec_amount'], rows: [] }, META);
    assert.deepEqual(l.rows, [[null, null, null, null, null]]);
    assert.equal(l.chart, null);
  });

  it('knows which text Excel would take for a formula', () => {
    const cases: [string, boolean][] = [['=HYPERLINK("http://x","y")', true], ['+86 10 1234', true], ['-12', true], ['@SUM(A1)', true], ['HT-2024-001', false], ['办公室', false], [' =1', false], ['', false]];
    for (const [s, want] of cases) assert.equal(needsTextGuard(s), want, s);
  });

  it('speaks English with --lang en', async () => {
    const en = layoutAnalysis(await sampleAnalysis('en'), { ...META, lang: 'en' });
    assert.deepEqual(en.map((l) => l.name), ['Summary', 'Monthly', 'Methods', 'Plan lines', 'Findings', 'Asset trace', 'Departments', 'Expenses', 'Next-year budget']);
    assert.equal(en[0]!.title.text, '某某局 2024-06 budget execution — Summary');
    assert.equal(en[0]!.columns[3]!.label, 'Plan amount');
    assert.deepEqual(en[0]!.totals![0], { kind: 'label', value: 'Total' });
  });
});

describe('ledger-sync analyze --out: the input workbook plus analysis sheets with native charts', function () {
  this.timeout(60_000);
  let dir: string;
  let input: string;
  let output: string;
  let inParts: Map<string, Buffer>;
  let outParts: Map<string, Buffer>;
  before(async () => {
    dir = tmpDir();
    input = await withForeignChart(SAMPLE, path.join(dir, 'with-chart.xlsx'));
    output = path.join(dir, 'out.xlsx');
    const r = await cli('analyze', input, '--out', output, '--as-of', '2024-06');
    assert.equal(r.code, 1, r.err); // the sample holds error-level findings
    inParts = await parts(input);
    outParts = await parts(output);
  });

  it('keeps every part of the input byte for byte, the user chart included; only the workbook index, styles and content types change', () => {
    for (const [name, bytes] of inParts) {
      assert.ok(outParts.has(name), `${name} kept`);
      if (!EDITED_PARTS.includes(name)) assert.ok(bytes.equals(outParts.get(name)!), `${name} unchanged`);
    }
    assert.match(text(outParts, '[Content_Types].xml'), /PartName="\/xl\/charts\/chart1.xml"/);
    assert.match(text(outParts, FOREIGN_CHART_PART), new RegExp(FOREIGN_CHART_COLOUR));
  });

  it('adds the nine sheets after the input sheets, each with an Excel table, and six chart parts of the right kinds', async () => {
    const wb = text(outParts, 'xl/workbook.xml');
    const names = [...wb.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(names, ['说明', '采购计划', '合同台账', '固定资产台账', '资产变动', '支出明细', '预算指标', ...SHEETS_ZH]);
    assert.equal([...wb.matchAll(/<definedName name="_LedgerSync\.\w+" hidden="1">/g)].length, 9);
    const tables = [...outParts.keys()].filter((p) => p.startsWith('xl/tables/'));
    assert.equal(tables.length, 9);
    const ids = tables.map((t) => /<table [^>]*id="(\d+)"/.exec(text(outParts, t))![1]);
    assert.equal(new Set(ids).size, 9);
    const charts = [...outParts.keys()].filter((p) => /^xl\/charts\/chart\d+\.xml$/.test(p) && p !== FOREIGN_CHART_PART).map((p) => text(outParts, p));
    assert.equal(charts.length, 6);
    const kinds = charts.map((c) => (/<c:pieChart>/.test(c) ? 'pie' : /<c:lineChart>/.test(c) ? 'line' : `${/<c:barDir val="(\w+)"/.exec(c)![1]}-${/<c:grouping val="(\w+)"/.exec(c)![1]}`)).sort();
    assert.deepEqual(kinds, ['bar-clustered', 'col-clustered', 'col-clustered', 'col-stacked', 'line', 'pie']);
  });

  it("draws each chart from cells that hold the values it caches (the references are right)", async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(output);
    const charts = [...outParts.keys()].filter((p) => /^xl\/charts\/chart\d+\.xml$/.test(p) && p !== FOREIGN_CHART_PART);
    let checked = 0;
    for (const part of charts) {
      const xml = text(outParts, part);
      for (const m of xml.matchAll(/<c:numRef><c:f>([^<]+)<\/c:f><c:numCache>(.*?)<\/c:numCache>/g)) {
        const ref = m[1]!.replace(/&apos;/g, "'");
        const [, sheet, from, to] = /^'(.+)'!\$([A-Z]+\$\d+):\$([A-Z]+\$\d+)$/.exec(ref)!;
        const ws = book.getWorksheet(sheet!)!;
        const a = ws.getCell(from!.replace('$', '')).fullAddress;
        const b = ws.getCell(to!.replace('$', '')).fullAddress;
        const cached = new Map([...m[2]!.matchAll(/<c:pt idx="(\d+)"><c:v>([^<]+)<\/c:v>/g)].map((p) => [+p[1]!, +p[2]!]));
        assert.equal(a.col, b.col);
        for (let row = a.row; row <= b.row; row++) {
          const v = ws.getCell(row, a.col).value;
          const idx = row - a.row;
          assert.equal(typeof v === 'number' ? v : null, cached.get(idx) ?? null, `${ref} row ${row}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 50, `checked ${checked} cells`);
  });

  it('writes totals as SUBTOTAL over the table, cached to the cent', () => {
    const planSheet = sheetPartOf(outParts, '计划明细');
    const xml = text(outParts, planSheet);
    const m = /<c r="H(\d+)" s="\d+"><f>SUBTOTAL\(109,LedgerSync_plan_lines\[计划金额\]\)<\/f><v>965180<\/v><\/c>/.exec(xml);
    assert.ok(m, 'plan_amount total');
  });

  it('is read back as the same ledgers: the analysis sheets are not mistaken for ledgers', async () => {
    const a = await cli('check', input, '--json', '--as-of', '2024-06');
    const b = await cli('check', output, '--json', '--as-of', '2024-06');
    const strip = (s: string) => { const j = JSON.parse(s); delete j.file; return j; };
    assert.deepEqual(strip(b.out), strip(a.out));
  });

  it('replaces its own sheets when it writes again, leaving no orphan part', async () => {
    const again = path.join(dir, 'again.xlsx');
    const r = await cli('analyze', output, '--out', again, '--as-of', '2024-06', '--unit-name', '另一单位');
    assert.equal(r.code, 1, r.err);
    const p = await parts(again);
    const wb = text(p, 'xl/workbook.xml');
    assert.equal([...wb.matchAll(/<sheet /g)].length, 16);
    assert.equal([...wb.matchAll(/<definedName name="_LedgerSync/g)].length, 9);
    assert.equal([...p.keys()].filter((k) => /^xl\/charts\/chart\d+\.xml$/.test(k)).length, 7);
    assert.equal([...p.keys()].filter((k) => /^xl\/tables\//.test(k)).length, 9);
    assert.equal([...p.keys()].filter((k) => /^xl\/drawings\/drawing\d+\.xml$/.test(k)).length, 7);
    // Every part is reachable from a relationship; every relationship target exists.
    const targets = new Set<string>();
    for (const [name, bytes] of p) {
      if (!name.endsWith('.rels')) continue;
      const source = name.replace(/_rels\/([^/]*)\.rels$/, '$1');
      const base = source.includes('/') ? source.replace(/[^/]*$/, '') : '';
      for (const m of bytes.toString().matchAll(/Target="([^"]+)"/g)) {
        if (/^https?:/.test(m[1]!)) continue;
        const t = m[1]!.startsWith('/') ? m[1]!.slice(1) : path.posix.normalize(base + m[1]!);
        assert.ok(p.has(t), `${name} → ${t} exists`);
        targets.add(t);
      }
    }
    for (const name of p.keys()) {
      if (name.endsWith('.rels') || name === '[Content_Types].xml') continue;
      assert.ok(targets.has(name), `${name} is referenced`);
    }
    assert.match(text(p, sheetPartOf(p, '执行总览')), /另一单位 2024年6月 预算执行分析/);
    assert.ok(p.get(FOREIGN_CHART_PART)!.equals(inParts.get(FOREIGN_CHART_PART)!));
  });

  it("refuses to overwrite a user's sheet that has an analysis sheet's name, writing nothing", async () => {
    const book = await writeXlsx(path.join(dir, 'taken.xlsx'), [
      { name: '合同台账', rows: [['合同编号', '采购日期', '品目名称', '数量', '单价', '金额'], ['HT-1', '2024-03-01', '打印机', 1, 3000, 3000]] },
      { name: '支出执行', rows: [['我自己的表']] },
    ]);
    const out = path.join(dir, 'taken-out.xlsx');
    const r = await cli('analyze', book, '--out', out, '--as-of', '2024-06');
    assert.equal(r.code, 2);
    assert.match(r.err, /已有一张名为“支出执行”的表，它不是台账同步写入的/);
    assert.equal(existsSync(out), false);
    const same = await cli('analyze', book, '--out', book);
    assert.equal(same.code, 2);
    assert.match(same.err, /--out 不能是输入的工作簿本身/);
  });

  it('writes text that looks like a formula as text (formula injection)', async () => {
    const table: AnalysisTable = { title: '异常清单', sheet: '异常清单', columns: ['severity', 'code', 'value', 'message'], rows: [['error', 'P01', '=HYPERLINK("http://evil","点我")', '+1'], ['warning', 'P02', '@SUM(A1)', '-2']] };
    const l = layoutSheet('findings', table, undefined, META);
    const file = path.join(dir, 'injection.xlsx');
    await fs.writeFile(file, await writeAnalysisSheets(null, [l]));
    const p = await parts(file);
    const xml = text(p, sheetPartOf(p, '异常清单'));
    assert.doesNotMatch(xml, /<f>/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const ws = book.getWorksheet('异常清单')!;
    assert.deepEqual([ws.getCell('C5').value, ws.getCell('D5').value, ws.getCell('C6').value, ws.getCell('D6').value], ['=HYPERLINK("http://evil","点我")', '+1', '@SUM(A1)', '-2']);
    // Excel's own mark for "typed as text": the quote prefix, so editing the cell keeps it text.
    const style = /<c r="C5" s="(\d+)"/.exec(xml)![1]!;
    const cellXfs = /<cellXfs[^>]*>(.*?)<\/cellXfs>/s.exec(text(p, 'xl/styles.xml'))![1]!;
    const xfs = [...cellXfs.matchAll(/<xf\b[^>]*?(?:\/>|>.*?<\/xf>)/g)].map((m) => m[0]);
    assert.match(xfs[+style]!, /quotePrefix="1"/);
  });

  it('writes a new workbook of analysis sheets alone (report) that exceljs reads back cell for cell', async () => {
    const layouts = layoutAnalysis(await sampleAnalysis(), META);
    const file = path.join(dir, 'report.xlsx');
    await fs.writeFile(file, await writeAnalysisSheets(null, layouts));
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    assert.deepEqual(book.worksheets.map((w) => w.name), SHEETS_ZH);
    const ws = book.getWorksheet('执行总览')!;
    assert.equal(ws.getCell('A1').value, '某某局 2024年6月 预算执行分析 — 执行总览');
    assert.deepEqual((ws.getRow(4).values as unknown[]).slice(1, 11), layouts[0]!.columns.map((c) => c.label));
    assert.deepEqual((ws.getRow(5).values as unknown[]).slice(1, 11), layouts[0]!.rows[0]);
    assert.equal(ws.getCell('D5').numFmt, '#,##0.00');
    assert.equal(ws.getCell('I5').numFmt, '0.0%');
  });
});

function sheetPartOf(p: Map<string, Buffer>, name: string): string {
  const wb = p.get('xl/workbook.xml')!.toString();
  const rid = new RegExp(`<sheet [^>]*name="${name}"[^>]*r:id="(rId\\d+)"`).exec(wb)![1];
  const rels = p.get('xl/_rels/workbook.xml.rels')!.toString();
  const target = new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels)!;
  return path.posix.join('xl', target[1] ?? target[2]!);
}

describe('analysis charts render in LibreOffice headless', function () {
  this.timeout(300_000);
  let layouts: SheetLayout[];
  let dir: string;
  before(async function () {
    if (!(await haveRenderer())) {
      // CI installs LibreOffice and poppler (.ci/run); there a missing renderer is a failure, not a skip.
      if (process.env.CI) throw new Error('libreoffice and pdftoppm are required in CI');
      this.skip();
    }
    layouts = layoutAnalysis(await sampleAnalysis(), META);
    dir = tmpDir();
  });

  const withChart = () => layouts.filter((l) => l.chart);
  for (const key of ['summary', 'monthly', 'methods', 'asset_trace', 'departments', 'expenses']) {
    it(`draws the ${key} chart (its series colours appear in the rendering)`, async () => {
      const l = withChart().find((x) => x.key === key)!;
      const file = path.join(dir, `${key}.xlsx`);
      await fs.writeFile(file, await writeAnalysisSheets(null, [l]));
      const pages = await renderPages(file);
      const first = Math.max(...pages.map((pg) => countColour(pg, PALETTE[0]!)));
      const second = Math.max(...pages.map((pg) => countColour(pg, PALETTE[1]!)));
      assert.ok(first > 40, `${key}: ${first} pixels of the first series`);
      assert.ok(second > 10, `${key}: ${second} pixels of the second series or slice`);
    });
  }

  it('draws nothing in those colours without the chart (the control)', async () => {
    const l = { ...withChart()[0]!, chart: null, chartData: null };
    const file = path.join(dir, 'control.xlsx');
    await fs.writeFile(file, await writeAnalysisSheets(null, [l]));
    const pages = await renderPages(file);
    assert.equal(pages.reduce((n, pg) => n + countColour(pg, PALETTE[0]!) + countColour(pg, PALETTE[1]!), 0), 0);
  });

  it("still draws the user's own chart in the workbook analyze wrote", async () => {
    const input = await withForeignChart(SAMPLE, path.join(dir, 'with-chart.xlsx'));
    const out = path.join(dir, 'out.xlsx');
    assert.equal((await cli('analyze', input, '--out', out, '--as-of', '2024-06')).code, 1);
    const pages = await renderPages(out);
    const purple = pages.reduce((n, pg) => n + countColour(pg, FOREIGN_CHART_COLOUR), 0);
    const ours = pages.reduce((n, pg) => n + countColour(pg, PALETTE[1]!), 0);
    assert.ok(purple > 200, `${purple} pixels of the user's chart`);
    assert.ok(ours > 200, `${ours} pixels of the analysis charts`);
  });
});
