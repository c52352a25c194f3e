/**
 * analysis.md "Display": a table that cannot be filled says why on the line under its title, and
 * columns that can never be filled in this run are left out; the departments' prior-year figures
 * come from the prior year's rows read (the workbook) or the unit's snapshots of that month.
 */
import assert from 'node:assert/strict';
import request from 'supertest';
import { Cell, SheetGrid } from '../shared/workbook';
import { runBookMonth } from '../shared/month-run';
import { Analysis, TableKey, analyse, mergeUnitAnalyses } from '../shared/analysis';
import { reconcile } from '../shared/reconcile';
import { DEFAULT_REFERENCE } from '../shared/reference';
import { checkWorkbook } from '../shared/check';
import { preparePushes } from '../shared/push';
import { layoutAnalysis } from '../shared/sheet-layout';
import { writeAnalysisSheets } from '../shared/write/analysis-sheets';
import { unzipSync, strFromU8 } from 'fflate';
import { nodeHasher } from '../server/node-hasher';
import { reconcilerOf } from '../server/app';
import { D, PURCHASE_HEADER, grid, purchaseRow } from './support/grid';
import { pushWith, testService } from './support/service';

const PLAN: Cell[] = ['计划编号', '预算年度', '使用部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];
const ASSET: Cell[] = ['资产编号', '资产名称', '品目编码', '价值', '取得日期', '合同编号', '使用状况'];
const PAY: Cell[] = ['凭证号', '日期', '部门', '经济分类', '金额', '合同编号'];
const BUDGET: Cell[] = ['预算年度', '部门', '经济分类', '金额'];

const plans = (...rows: Cell[][]) => grid('采购计划', [PLAN, ...(rows.length ? rows : [['JH-1', 2024, '办公室', 'A02010105', '台式计算机', 10, 5000, 50000, '协议采购']])]);
const contracts = (...rows: Cell[][]) => grid('合同台账', [PURCHASE_HEADER, ...(rows.length ? rows : [purchaseRow()])]);
const cards = grid('固定资产台账', [ASSET, ['ZC1', '台式计算机', 'A02010105', 5000, D(2024, 3, 6), 'HT-1', '在用'], ['ZC2', '台式计算机', 'A02010105', 5000, D(2024, 3, 6), 'HT-1', '在用']]);
const events = grid('资产变动', [['资产编号', '变动日期', '变动类型', '费用'], ['ZC1', D(2024, 4, 1), '维修', 300]]);
const pays = (...rows: Cell[][]) => grid('支出明细', [PAY, ...(rows.length ? rows : [['PZ1', D(2024, 3, 20), '办公室', '31002', 10000, 'HT-1']])]);
const budget = grid('预算指标', [BUDGET, [2024, '办公室', '31002', 60000]]);

function analysisOf(grids: SheetGrid[], lang: 'zh' | 'en' = 'zh'): Analysis {
  return runBookMonth(grids, { asOf: '2024-06', lang }).analysis;
}

describe('analysis tables fitted to the ledgers read', () => {
  // [case, ledgers, table → its note (null: none), table → columns that must be absent]
  const cases: [string, SheetGrid[], Partial<Record<TableKey, string | null>>, Partial<Record<TableKey, string[]>>][] = [
    ['every ledger read: every column there, the prior year said missing', [plans(), contracts(), cards, events, pays(), budget],
      { summary: null, plan_lines: null, monthly: null, asset_trace: null, expenses: null, forecast: '未读到 2022、2023 年的采购执行：前年执行、上年执行未列出', departments: '无上年同期数据' },
      { departments: ['prev_exec_amount', 'prev_expense_amount', 'yoy_exec', 'yoy_expense'], forecast: ['exec_y_minus_2', 'exec_y_minus_1'] }],
    ['contracts alone: the plan tables empty and why; the register columns left out', [contracts()],
      {
        summary: '未读到采购计划，本表无数据', plan_lines: '未读到采购计划，本表无数据', monthly: '未读到采购计划，本表无数据', methods: '未读到采购计划，本表无数据',
        departments: '未读到采购计划、支出明细、预算指标，本表无数据', expenses: '未读到预算指标、支出明细，本表无数据',
        asset_trace: '未读到固定资产台账：卡片数、卡片价值、在用、维修、闲置、出借、调出、待报废、报废、维修次数、维修费用、最近变动未列出',
        forecast: '未读到固定资产台账：到期资产、更新金额未列出；未读到 2022、2023 年的采购执行：前年执行、上年执行未列出',
      },
      { asset_trace: ['cards', 'in_use', 'repair_cost'], forecast: ['assets_due', 'replacement_amount'] }],
    ['a plan alone: execution columns left out, monthly and methods empty', [plans()],
      {
        summary: '未读到采购执行：执行数量、执行金额、已支付、结余金额、执行率、节约率未列出',
        plan_lines: '未读到采购执行：执行数量、执行金额、剩余数量、结余金额、执行状态未列出', monthly: '未读到采购执行，本表无数据', asset_trace: '未读到采购执行，本表无数据',
        departments: '未读到采购执行：执行金额、执行率、上年同期执行、执行同比未列出；未读到支出明细：支出金额、支出执行率、上年同期支出、支出同比未列出；未读到预算指标：预算金额未列出',
      },
      { summary: ['exec_amount', 'paid_amount', 'savings_rate'], plan_lines: ['status', 'exec_qty'], departments: ['exec_amount', 'expense_amount', 'budget_amount', 'expense_rate'] }],
    ['payments and budget alone: 支出执行 whole, 部门对比 without the plan columns', [pays(['PZ1', D(2024, 3, 20), '办公室', '31002', 1000, null]), budget],
      { expenses: null, departments: '未读到采购计划：计划金额、执行金额、执行率、上年同期执行、执行同比未列出；无上年同期支出数据', summary: '未读到采购计划，本表无数据' },
      { departments: ['plan_amount', 'exec_amount', 'exec_rate'] }],
  ];
  for (const [name, grids, notes, absent] of cases) {
    it(name, () => {
      const a = analysisOf(grids);
      for (const [key, note] of Object.entries(notes) as [TableKey, string | null][]) assert.equal(a.tables[key].note ?? null, note, key);
      for (const [key, columns] of Object.entries(absent) as [TableKey, string[]][]) {
        for (const c of columns) assert.ok(!a.tables[key].columns.includes(c), `${key}.${c} should be left out`);
        for (const r of a.tables[key].rows) assert.equal(r.length, a.tables[key].columns.length, `${key}: a row as wide as its columns`);
      }
      // An empty table always says why.
      for (const t of Object.values(a.tables)) if (t.rows.length === 0) assert.ok(t.note, `${t.sheet} is empty without a note`);
      // A chart never names a series its table left out.
      for (const c of a.charts) {
        const t = Object.values(a.tables).find((x) => x.sheet === c.sheet)!;
        for (const s of [c.category, ...c.series]) assert.ok(t.columns.includes(s), `${c.sheet}: ${s}`);
      }
    });
  }

  it('says it in English in an English session, and a findings table with none says so', () => {
    assert.equal(analysisOf([contracts()], 'en').tables.summary.note, 'no procurement plan ledger was read: nothing to show');
    const grids = [plans(), contracts(), cards, events, pays(), budget];
    const checked = checkWorkbook(grids, { asOf: '2024-06' });
    const rec = reconcile(checked.ledgers, { asOf: checked.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' });
    const none = analyse({ ledgers: checked.ledgers, matches: rec.matches, findings: [], asOf: checked.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' });
    assert.equal(none.tables.findings.note, '未发现问题');
    assert.equal(analysisOf([contracts()]).tables.findings.note, undefined);
  });

  it('writes the note on the line under the subtitle of its sheet', () => {
    const layouts = layoutAnalysis(analysisOf([contracts()]), { unit: 'A', period: '2024-06', asOf: '2024-06-30', generatedAt: '2024-06-30 17:05', lang: 'zh' });
    const summary = layouts.find((l) => l.key === 'summary')!;
    assert.deepEqual(summary.note, { row: 2, col: 0, text: '未读到采购计划，本表无数据' });
    assert.ok(summary.note!.row > summary.subtitle.row && summary.note!.row < summary.headerRow);
    assert.equal(layouts.find((l) => l.key === 'findings')!.note, null);
  });
});

describe('prior-year figures in 部门对比', () => {
  // 2023's plan and purchases, and its payments, in the same book as 2024's.
  const book = () => [
    plans(['JH-1', 2024, '办公室', 'A02010105', '台式计算机', 10, 5000, 50000, '协议采购'], ['JH-0', 2023, '办公室', 'A02010105', '台式计算机', 10, 5000, 50000, '协议采购']),
    contracts(
      purchaseRow({ id: 'HT-1', plan: 'JH-1', amount: 10000 }),
      purchaseRow({ id: 'HT-0', plan: 'JH-0', date: D(2023, 4, 2), amount: 8000, qty: 2, price: 4000 }),
      // After the same day a year before: not in the prior year "as of the same month".
      purchaseRow({ id: 'HT-L', plan: 'JH-0', date: D(2023, 9, 2), amount: 5000, qty: 1, price: 5000 }),
    ),
    pays(['PZ1', D(2024, 3, 20), '办公室', '31002', 10000, 'HT-1'], ['PZ0', D(2023, 5, 20), '办公室', '31002', 4000, null], ['PZ9', D(2023, 11, 2), '办公室', '31002', 9999, null]),
    budget,
  ];

  it('the forecast shows 上年执行 from 2023’s purchases read, and leaves 2022 out', () => {
    const t = analysisOf(book()).tables.forecast;
    assert.equal(t.note, '未读到固定资产台账：到期资产、更新金额未列出；未读到 2022 年的采购执行：前年执行未列出');
    assert.ok(t.columns.includes('exec_y_minus_1') && !t.columns.includes('exec_y_minus_2'), t.columns.join());
    const pc = t.rows.find((r) => r[0] === 'A02010105')!;
    assert.equal(pc[t.columns.indexOf('exec_y_minus_1')], '13000.00'); // HT-0 and HT-L: the whole of 2023, not as of June
  });

  it('the totals row: year-on-year as the change of the totals, a rate over a zero total left blank, in the cell and the table', async () => {
    // A budget line of 0: 支出执行率 has no total to divide by.
    const grids = [...book().slice(0, 3), grid('预算指标', [BUDGET, [2024, '办公室', '31002', 0]])];
    const meta = { unit: 'A', period: '2024-06', asOf: '2024-06-30', generatedAt: '2024-06-30 17:05', lang: 'zh' as const };
    const l = layoutAnalysis(analysisOf(grids), meta).find((x) => x.key === 'departments')!;
    const total = (key: string) => l.totals![l.columns.findIndex((c) => c.key === key)]!;
    assert.deepEqual(total('yoy_exec'), { kind: 'ratio', value: 0.25 }); // 10,000 against 8,000
    assert.deepEqual(total('yoy_expense'), { kind: 'ratio', value: 1.5 }); // 10,000 against 4,000
    assert.deepEqual(total('expense_rate'), { kind: 'ratio', value: null });
    const zip = unzipSync(await writeAnalysisSheets(null, [l]));
    const sheet = strFromU8(zip['xl/worksheets/sheet1.xml']!);
    const j = l.columns.findIndex((c) => c.key === 'expense_rate');
    const ref = `${String.fromCharCode(65 + j)}${l.tableRange.lastRow + 1}`;
    assert.match(sheet, new RegExp(`<c r="${ref}" s="\\d+" t="str"><f>IFERROR\\(SUBTOTAL\\(109,LedgerSync_departments\\[支出金额\\]\\)/SUBTOTAL\\(109,LedgerSync_departments\\[预算金额\\]\\),&quot;&quot;\\)</f><v></v></c>`));
    const yoy = l.columns.findIndex((c) => c.key === 'yoy_exec');
    assert.match(sheet, new RegExp(`<c r="${String.fromCharCode(65 + yoy)}${l.tableRange.lastRow + 1}" s="\\d+"><f>IFERROR\\(SUBTOTAL\\(109,LedgerSync_departments\\[执行金额\\]\\)/SUBTOTAL\\(109,LedgerSync_departments\\[上年同期执行\\]\\)-1,&quot;&quot;\\)</f><v>0.25</v></c>`));
  });

  it('from the prior year’s rows in the workbook, as of the same day', () => {
    const t = analysisOf(book()).tables.departments;
    assert.equal(t.note, undefined);
    const row = Object.fromEntries(t.columns.map((c, j) => [c, t.rows.find((r) => r[0] === '办公室')![j]]));
    assert.equal(row.prev_exec_amount, '8000.00');
    assert.equal(row.prev_expense_amount, '4000.00');
    assert.equal(row.yoy_exec, 0.25); // 10,000 against 8,000
    assert.equal(row.yoy_expense, 1.5); // 10,000 against 4,000
  });

  it('only the spending of the prior year: its columns, and a note for the missing execution', () => {
    const [p, c, e, b] = book();
    const t = analysisOf([plans(), contracts(), e!, b!]).tables.departments;
    assert.ok(p && c);
    assert.ok(!t.columns.includes('prev_exec_amount') && !t.columns.includes('yoy_exec'));
    assert.ok(t.columns.includes('prev_expense_amount') && t.columns.includes('yoy_expense'));
    assert.equal(t.note, '无上年同期采购执行数据');
  });

  it('all units: the columns in analysis.md’s order whichever units left which out', () => {
    const noBudget = analysisOf([plans(), contracts(), pays()]);
    const noPays = analysisOf([plans(), contracts(), budget]);
    const m = mergeUnitAnalyses([{ unit: 'A', analysis: noBudget }, { unit: 'B', analysis: noPays }], noBudget.as_of, 'zh');
    assert.deepEqual(m.tables.departments.columns, ['unit', 'department', 'plan_amount', 'exec_amount', 'exec_rate', 'expense_amount', 'budget_amount']);
  });

  it('all units: columns one unit left out are there, empty, for that unit', () => {
    const a = analysisOf(book());
    const b = analysisOf([plans(), contracts()]);
    const m = mergeUnitAnalyses([{ unit: 'A', analysis: a }, { unit: 'B', analysis: b }], a.as_of, 'zh');
    const t = m.tables.departments;
    assert.deepEqual(t.columns, ['unit', ...a.tables.departments.columns]);
    const bRow = t.rows.find((r) => r[0] === 'B')!;
    assert.equal(bRow[t.columns.indexOf('prev_exec_amount')], null);
    assert.equal(bRow[t.columns.indexOf('plan_amount')], '50000.00');
    assert.match(t.note!, /^B：未读到支出明细：/);
  });

  it('the service: from the unit’s snapshots of the same month a year before', async () => {
    const s = await testService('sqlite');
    try {
      const push = async (grids: SheetGrid[], period: string) => {
        const checked = checkWorkbook(grids, { asOf: period });
        for (const p of preparePushes(grids, checked, { period, workbook: 'book.xlsx', hasher: nodeHasher })) {
          assert.equal((await pushWith(s, s.tokens.clerkA, p)).commit?.status, 201);
        }
      };
      const get = async () => (await request(s.app).get('/api/v1/analysis?period=2024-06').set({ Authorization: `Bearer ${s.tokens.clerkA}` })).body.tables.departments;
      await push([plans(), contracts(), pays()], '2024-06');
      await reconcilerOf(s.app).idle();
      const before = await get();
      assert.ok(!before.columns.includes('prev_exec_amount'));
      assert.equal(before.note, '未读到预算指标：预算金额、支出执行率未列出；无上年同期数据');
      // 2023-06 pushed as its own month, its books holding 2023 only.
      await push([plans(['JH-0', 2023, '办公室', 'A02010105', '台式计算机', 10, 5000, 50000, '协议采购']), contracts(purchaseRow({ id: 'HT-0', plan: 'JH-0', date: D(2023, 4, 2), amount: 8000, qty: 2, price: 4000 })), pays(['PZ0', D(2023, 5, 20), '办公室', '31002', 4000, null])], '2023-06');
      await reconcilerOf(s.app).idle();
      const after = await get();
      const row = Object.fromEntries((after.columns as string[]).map((c, j) => [c, after.rows[0][j]]));
      assert.equal(row.prev_exec_amount, '8000.00');
      assert.equal(row.prev_expense_amount, '4000.00');
      assert.equal(row.yoy_exec, 0.25);
      assert.equal(after.note, '未读到预算指标：预算金额、支出执行率未列出');
      // May: a plan alone this year, a full May a year before. This year's side missing, no −100 % against the prior year.
      const may2023 = [plans(['JH-0', 2023, '办公室', 'A02010105', '台式计算机', 10, 5000, 50000, '协议采购']), contracts(purchaseRow({ id: 'HT-0', plan: 'JH-0', date: D(2023, 4, 2), amount: 8000, qty: 2, price: 4000 })), pays(['PZ0', D(2023, 5, 20), '办公室', '31002', 4000, null])];
      await push(may2023, '2023-05');
      await push([plans()], '2024-05');
      await reconcilerOf(s.app).idle();
      const may = (await request(s.app).get('/api/v1/analysis?period=2024-05').set({ Authorization: `Bearer ${s.tokens.clerkA}` })).body.tables.departments;
      for (const c of ['yoy_exec', 'yoy_expense', 'prev_exec_amount', 'prev_expense_amount', 'exec_amount', 'expense_amount']) assert.ok(!may.columns.includes(c), c);
      assert.match(may.note, /^未读到采购执行：执行金额、执行率、上年同期执行、执行同比未列出；未读到支出明细：支出金额、支出执行率、上年同期支出、支出同比未列出/);
    } finally {
      await s.close();
    }
  });
});
