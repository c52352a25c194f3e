import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Cell } from '../shared/workbook';
import { analyse, Analysis } from '../shared/analysis';
import { reconcile } from '../shared/reconcile';
import { DEFAULT_REFERENCE } from '../shared/reference';
import { cli } from './support/cli';
import { check, grid } from './support/grid';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
const EXPECTED = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'sample-2024.expected.json'), 'utf8'));


/** Rows of a table as objects by column name. */
function records(a: Analysis, key: keyof Analysis['tables']): Record<string, unknown>[] {
  const t = a.tables[key];
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
}

describe('ledger-sync analyze on the sample', () => {
  let json: { findings: { code: string; sheet: string; row?: number; column?: string; ids?: unknown }[]; summary: unknown; analysis: Analysis['tables'] };
  before(async () => {
    const r = await cli('analyze', SAMPLE, '--json', '--as-of', '2024-06');
    assert.equal(r.code, 1, r.err);
    json = JSON.parse(r.out);
  });

  it('gives exactly the findings its README lists', () => {
    const shape = (f: { code: string; sheet: string; row?: number; column?: string; ids?: unknown }) => [f.code, f.sheet, f.row, f.column, f.ids];
    assert.deepEqual(json.findings.map(shape), EXPECTED.findings.map(shape));
    assert.deepEqual(json.summary, { error: 7, warning: 1, info: 7 });
  });

  it('gives the figures its README lists', () => {
    const a = { tables: json.analysis } as Analysis;
    const total = records(a, 'summary').at(-1)!;
    assert.deepEqual([total.plan_amount, total.exec_amount, total.paid_amount], ['965180.00', '824215.00', '578778.00']);
    const e = EXPECTED.analysis;
    assert.deepEqual(
      records(a, 'monthly').map((r) => ({ month: r.month, exec_amount: r.exec_amount, cumulative_amount: r.cumulative_amount })),
      e.monthly.rows,
    );
    assert.deepEqual(
      Object.fromEntries(records(a, 'methods').map((r) => [r.method, { purchase_count: r.purchase_count, exec_amount: r.exec_amount }])),
      e.methods,
    );
    const plan = records(a, 'plan_lines');
    assert.equal(plan.length, e.plan_lines.rows);
    const byStatus: Record<string, number> = {};
    for (const r of plan) byStatus[r.status as string] = (byStatus[r.status as string] ?? 0) + 1;
    assert.deepEqual(byStatus, e.plan_lines.by_status);
    assert.equal(records(a, 'asset_trace').length, e.asset_trace.rows);
  });

  it('every table carries the columns of analysis.md', () => {
    assert.deepEqual(Object.keys(json.analysis), ['summary', 'monthly', 'methods', 'plan_lines', 'findings', 'asset_trace', 'departments', 'expenses', 'forecast']);
    // The sample keeps 2024 only: the four prior-year columns are left out and the note says so.
    assert.deepEqual(json.analysis.departments.columns, ['department', 'plan_amount', 'exec_amount', 'exec_rate', 'expense_amount', 'budget_amount', 'expense_rate']);
    assert.equal(json.analysis.departments.note, '无上年同期数据');
    // Every ledger of the sample was read: no other table lacks a column or says anything.
    for (const key of ['summary', 'monthly', 'methods', 'plan_lines', 'findings', 'asset_trace', 'expenses'] as const) assert.equal(json.analysis[key].note, undefined, key);
    // Nor a purchase of 2022 or 2023: the forecast leaves those years out rather than show them as 0.
    assert.equal(json.analysis.forecast.note, '未读到 2022、2023 年的采购执行：前年执行、上年执行未列出');
    assert.deepEqual(json.analysis.forecast.columns, ['item_code', 'item_name', 'exec_y', 'trend_next', 'assets_due', 'replacement_amount', 'suggested_amount', 'basis']);
    assert.equal(json.analysis.findings.rows.length, 15);
    assert.equal(json.analysis.findings.rows[0]![0], 'error');
    assert.equal(json.analysis.findings.rows.at(-1)![0], 'info');
  });
});

describe('analysis on a hand-computed fixture', () => {
  const PLAN: Cell[] = ['计划编号', '预算年度', '使用部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];
  const BUY: Cell[] = ['合同编号', '计划编号', '采购日期', '部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];
  const ASSET: Cell[] = ['资产编号', '资产名称', '品目编码', '价值', '取得日期', '合同编号', '使用状况'];
  const EVENT: Cell[] = ['资产编号', '变动日期', '变动类型', '费用'];
  const PAY: Cell[] = ['凭证号', '日期', '部门', '经济分类', '金额', '合同编号'];
  const BUDGET: Cell[] = ['预算年度', '部门', '经济分类', '金额'];
  let a: Analysis;
  before(() => {
    const grids = [
      grid('采购计划', [PLAN,
        ['JH-1', 2024, '办公室', 'A02010105', '台式计算机', 10, 5000, 50000, '协议采购'],
        ['JH-2', 2024, '财务科', 'C23090100', '印刷服务', 1, 20000, 20000, '询价'],
        ['JH-3', 2024, '财务科', 'A05010201', '办公桌', 2, 1500, 3000, '自行采购']]),
      grid('合同台账', [BUY,
        ['HT-0', 'JH-1', '2023-12-20', '办公室', 'A02010105', '台式计算机', 2, 4800, 9600, '协议采购'],
        ['HT-1', 'JH-1', '2024-01-15', '办公室', 'A02010105', '台式计算机', 8, 4800, 38400, '协议采购'],
        ['HT-2', 'JH-2', '2024-03-10', '财务科', 'C23090100', '印刷服务', 1, 21000, 21000, '询价'],
        ['HT-3', 'JH-1', '2024-07-01', '办公室', 'A02010105', '台式计算机', 1, 4800, 4800, '协议采购']]),
      grid('固定资产台账', [ASSET,
        ...Array.from({ length: 8 }, (_, i) => [`ZC${i + 1}`, '台式计算机', 'A02010105', 4800, '2024-01-20', 'HT-1', i < 6 ? '在用' : '维修'] as Cell[]),
        ['ZC-OLD', '台式计算机', 'A02010105', 4000, '2019-03-01', null, '在用']]),
      grid('资产变动', [EVENT, ['ZC7', '2024-02-01', '维修', 300], ['ZC8', '2024-03-01', '维修', 200.5]]),
      grid('支出明细', [PAY,
        ['PZ1', '2024-01-20', '办公室', '31002', 30000, 'HT-1'],
        ['PZ2', '2024-03-20', '财务科', '30202', 21000, 'HT-2'],
        ['PZ3', '2024-02-02', '办公室', '30217', 1200, null]]),
      grid('预算指标', [BUDGET, [2024, '办公室', '31002', 60000], [2024, '财务科', '30202', 25000], [2024, '办公室', '30217', 5000]]),
    ];
    const r = check(grids, { asOf: '2024-06' });
    const rec = reconcile(r.ledgers, { asOf: r.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' });
    a = analyse({ ledgers: r.ledgers, matches: rec.matches, findings: [...r.findings, ...rec.findings], asOf: r.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' });
  });

  it('summary: plan, executed (matched, dated ≤ as-of), paid, remaining, rates, savings', () => {
    const s = records(a, 'summary');
    // 台式计算机: plan 10 × 5000; executed HT-0 (2023, matched by plan_id) and HT-1, not HT-3 (July).
    assert.deepEqual(s[0], {
      item_code: 'A02010105', item_name: '台式计算机', plan_qty: 10, plan_amount: '50000.00', exec_qty: 10, exec_amount: '48000.00',
      paid_amount: '30000.00', remaining_amount: '2000.00', exec_rate: 0.96, savings_rate: 0.04,
    });
    assert.deepEqual(s[1]!.savings_rate, -0.05); // 21000 against 20000 at the plan price
    assert.deepEqual(s[2]!.exec_rate, 0);
    assert.equal(s[2]!.savings_rate, null);
    assert.deepEqual(s.at(-1), {
      item_code: null, item_name: '合计', plan_qty: 13, plan_amount: '73000.00', exec_qty: 11, exec_amount: '69000.00',
      paid_amount: '51000.00', remaining_amount: '4000.00', exec_rate: 0.9452, savings_rate: round4((70000 - 69000) / 70000),
    });
  });

  it('monthly: a month-0 row for purchases before the year, cumulative against 序时进度', () => {
    const m = records(a, 'monthly');
    assert.deepEqual(m.map((r) => [r.month, r.exec_amount, r.cumulative_amount]), [
      [0, '9600.00', '9600.00'], [1, '38400.00', '48000.00'], [2, '0.00', '48000.00'], [3, '21000.00', '69000.00'],
      [4, '0.00', '69000.00'], [5, '0.00', '69000.00'], [6, '0.00', '69000.00'],
    ]);
    assert.equal(m[0]!.time_progress, 0);
    assert.equal(m[3]!.cumulative_rate, round4(69000 / 73000));
    assert.equal(m[3]!.gap, round4(round4(69000 / 73000) - 0.25));
  });

  it('methods and plan-line status', () => {
    assert.deepEqual(records(a, 'methods'), [
      { method: 'agreement', purchase_count: 2, exec_amount: '48000.00', share: round4(48000 / 69000), plan_amount: '50000.00' },
      { method: 'inquiry', purchase_count: 1, exec_amount: '21000.00', share: round4(21000 / 69000), plan_amount: '20000.00' },
    ]);
    assert.deepEqual(records(a, 'plan_lines').map((r) => [r.plan_id, r.status, r.remaining_qty, r.remaining_amount]), [
      ['JH-1', 'completed', 0, '2000.00'], ['JH-2', 'over_plan', 0, '-1000.00'], ['JH-3', 'not_started', 2, '3000.00'],
    ]);
  });

  it('asset trace: cards, statuses, repairs', () => {
    const t = records(a, 'asset_trace');
    assert.deepEqual(t.map((r) => r.purchase_id), ['HT-0', 'HT-1']);
    assert.deepEqual(t[1], {
      purchase_id: 'HT-1', item_code: 'A02010105', item_name: '台式计算机', date: '2024-01-15', quantity: 8, cards: 8, cards_value: '38400.00',
      in_use: 6, repair: 2, idle: 0, lent: 0, transferred: 0, pending_disposal: 0, disposed: 0, repair_events: 2, repair_cost: '500.50', last_event_date: '2024-03-01',
    });
  });

  it('departments and expenses, with subtotals and 三公经费 marked', () => {
    assert.deepEqual(records(a, 'departments').map((r) => [r.department, r.plan_amount, r.exec_amount, r.expense_amount, r.budget_amount, r.expense_rate]), [
      ['办公室', '50000.00', '48000.00', '31200.00', '65000.00', 0.48],
      ['财务科', '23000.00', '21000.00', '21000.00', '25000.00', 0.84],
    ]);
    const e = records(a, 'expenses');
    assert.deepEqual(e.map((r) => [r.econ_class, r.department, r.spent_amount, r.sangong]), [
      ['30202', '财务科', '21000.00', false], ['30202', '小计', '21000.00', false],
      ['30217', '办公室', '1200.00', true], ['30217', '小计', '1200.00', true],
      ['31002', '办公室', '30000.00', false], ['31002', '小计', '30000.00', false],
    ]);
    assert.equal(e[0]!.econ_name, '印刷费');
  });

  it('forecast: the year expected as the larger of plan and executed (never annualised), a trend through the years, assets due, rounded up to 100 yuan, and its basis', () => {
    const f = records(a, 'forecast').find((r) => r.item_code === 'A02010105')!;
    // 2023: 9,600; 2024: plan 50,000 over 38,400 bought by June (not 76,800 annualised); the line through both at 2025: 90,400.
    assert.deepEqual([f.exec_y_minus_1, f.exec_y, f.trend_next, f.basis], ['9600.00', '50000.00', '90400.00', 'trend_2y']);
    // The 2019 card is past its 6 years by the end of 2025; the median unit price this year is 4,800.
    assert.deepEqual([f.assets_due, f.replacement_amount, f.suggested_amount], [1, '4800.00', '90400.00']);
    // Bought for more than planned: the year is what was bought; one year of trend.
    const print = records(a, 'forecast').find((r) => r.item_code === 'C23090100')!;
    assert.deepEqual([print.exec_y, print.suggested_amount, print.basis], ['21000.00', '21000.00', 'trend_1y']);
    // Planned and not yet bought: the plan.
    const desk = records(a, 'forecast').find((r) => r.item_code === 'A05010201')!;
    assert.deepEqual([desk.exec_y, desk.suggested_amount, desk.basis], ['3000.00', '3000.00', 'plan']);
  });

  it('forecast on the sample: a one-off annual contract paid in January is next year’s plan figure, not doubled', async () => {
    const r = await cli('analyze', path.join(__dirname, 'fixtures', 'sample-2024.xlsx'), '--json');
    const sample = { tables: JSON.parse(r.out).analysis } as Analysis;
    const property = records(sample, 'forecast').find((x) => x.item_code === 'C21040000')!;
    assert.deepEqual([property.item_name, property.exec_y, property.suggested_amount, property.basis], ['物业管理服务', '380000.00', '380000.00', 'plan']);
  });

  it('chart specs name their sheet, type, category, series and rows', () => {
    const c = a.charts.find((x) => x.type === 'pie')!;
    assert.deepEqual(c, { sheet: '采购方式', type: 'pie', title: '采购方式构成', category: 'method', series: ['exec_amount'], rows: [0, 1] });
    const exp = a.charts.find((x) => x.sheet === '支出执行')!;
    assert.deepEqual(exp.rows, [1, 3, 5]);
  });
});

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
