import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Cell } from '../shared/workbook';
import { reconcile } from '../shared/reconcile';
import { DEFAULT_REFERENCE } from '../shared/reference';
import { checkWorkbook, sortFindings } from '../shared/check';
import { readAllSheets } from '../shared/workbook';
import { readWorkbookFile } from '../cli/read-workbook';
import { check, grid, where, D } from './support/grid';

const PURCHASES: Cell[] = ['合同编号', '采购日期', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];
const ASSETS: Cell[] = ['资产编号', '资产名称', '价值', '取得日期', '合同编号', '使用状况'];
const EVENTS: Cell[] = ['资产编号', '变动日期', '变动类型', '费用'];
const EXPENSES: Cell[] = ['凭证号', '日期', '部门', '经济分类', '金额', '合同编号'];
const BUDGET: Cell[] = ['预算年度', '部门', '经济分类', '金额'];

const pc = (id: string, qty = 2, price = 5000, date = '2024-03-05', code = 'A02010105'): Cell[] => [id, date, code, '台式计算机', qty, price, qty * price, '协议采购'];
const card = (id: string, purchase: string | null, value = 5000, acquired = '2024-03-10', status = '在用'): Cell[] => [id, '台式计算机', value, acquired, purchase, status];

function findings(sheets: { purchases?: Cell[][]; assets?: Cell[][]; events?: Cell[][]; expenses?: Cell[][]; budget?: Cell[][] }, asOf = '2024-06') {
  const grids = [];
  if (sheets.purchases) grids.push(grid('合同台账', [PURCHASES, ...sheets.purchases]));
  if (sheets.assets) grids.push(grid('固定资产台账', [ASSETS, ...sheets.assets]));
  if (sheets.events) grids.push(grid('资产变动', [EVENTS, ...sheets.events]));
  if (sheets.expenses) grids.push(grid('支出明细', [EXPENSES, ...sheets.expenses]));
  if (sheets.budget) grids.push(grid('预算指标', [BUDGET, ...sheets.budget]));
  const r = check(grids, { asOf });
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), [], 'fixtures are valid rows');
  // These books leave out the ledgers a test is not about: their I05 notes are tested in missing-ledgers.test.ts.
  return reconcile(r.ledgers, { asOf: r.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' }).findings.filter((f) => !f.code.startsWith('P') && f.code !== 'I05');
}
const codes = (s: Parameters<typeof findings>[0], asOf?: string) => where(findings(s, asOf)).filter((c) => !c.startsWith('E03')).sort();
/** Services (C codes) need no asset card, so the E and B tests see E and B findings only. */
const svc = (id: string, date = '2024-03-05'): Cell[] => pc(id, 2, 5000, date, 'C23090100');
const paidFor = (id: string, amount = 10000): Cell[] => [`PZ-${id}`, '2024-03-20', '办公室', '31002', amount, id];

describe('purchase ↔ asset register (A codes)', () => {
  it('a capitalised purchase with one card per unit, matching in value, gives no finding', () => {
    assert.deepEqual(codes({ purchases: [pc('HT-1')], assets: [card('ZC1', 'HT-1'), card('ZC2', 'HT-1')] }), []);
  });
  it('A01: fewer cards than units (value = cards found)', () => {
    const f = findings({ purchases: [pc('HT-1', 3)], assets: [card('ZC1', 'HT-1')] });
    assert.deepEqual(where(f).filter((c) => c.startsWith('A')), ['A01@合同台账!2']);
    assert.equal(f[0]!.value, '1');
    assert.equal(f[0]!.expected, '3');
  });
  it('A01 only for capitalised goods: services, and goods under 1,000 yuan, need no card', () => {
    assert.deepEqual(codes({ purchases: [pc('HT-1', 3, 999.99), pc('HT-2', 1, 50000, '2024-03-05', 'C21040000')], assets: [] }), []);
    assert.deepEqual(codes({ purchases: [pc('HT-1', 1, 1000)], assets: [] }), ['A01@合同台账!2']);
  });
  it('A02: more cards than units', () => {
    assert.deepEqual(codes({ purchases: [pc('HT-1', 1)], assets: [card('ZC1', 'HT-1'), card('ZC2', 'HT-1')] }), ['A02@合同台账!2']);
  });
  it('A03: as many cards as units, but their values differ from the amount by more than 0.01 a card', () => {
    assert.deepEqual(codes({ purchases: [pc('HT-1')], assets: [card('ZC1', 'HT-1', 5000.01), card('ZC2', 'HT-1', 5000.01)] }), []);
    assert.deepEqual(codes({ purchases: [pc('HT-1')], assets: [card('ZC1', 'HT-1', 5000.02), card('ZC2', 'HT-1', 5000.01)] }), ['A03@合同台账!2']);
  });
  it('A04: a card pointing at no purchase; A05: acquired before its purchase', () => {
    assert.deepEqual(codes({ purchases: [pc('HT-1', 1)], assets: [card('ZC1', 'HT-1', 5000, '2024-03-01'), card('ZC2', 'HT-9')] }), ['A04@固定资产台账!E3', 'A05@固定资产台账!D2'].sort());
  });
  it('A06: an event for an asset not in the register', () => {
    assert.deepEqual(codes({ assets: [card('ZC1', null)], events: [['ZC9', '2024-04-01', '维修', 300]] }), ['A06@资产变动!A2']);
  });
  it('A07: an event after disposal, and a register still in use after a disposal', () => {
    const assets = [card('ZC1', null, 5000, '2020-01-01', '在用'), card('ZC2', null, 5000, '2020-01-01', '报废'), card('ZC3', null, 5000, '2020-01-01', '闲置')];
    const events = [
      ['ZC1', '2024-02-01', '报废', null], ['ZC1', '2024-03-01', '维修', 200], ['ZC2', '2024-02-01', '报废', null], ['ZC3', '2024-03-05', '报废', null],
    ] as Cell[][];
    // ZC1: repaired after its disposal (on the event); ZC3: disposed of, still 闲置 in the register.
    assert.deepEqual(codes({ assets, events }), ['A07@固定资产台账!4', 'A07@资产变动!3']);
  });
  it('events after the as-of date are ignored', () => {
    assert.deepEqual(codes({ assets: [card('ZC1', null)], events: [['ZC9', '2024-07-15', '维修', 300]] }, '2024-06'), []);
  });
});

describe('purchase ↔ expense ↔ budget (E and B codes)', () => {
  it('E01: payments beyond the purchase amount, on this and later rows', () => {
    const expenses = [paidFor('HT-1', 6000), [...paidFor('HT-1', 5000).slice(0, 1), '2024-04-01', ...paidFor('HT-1', 5000).slice(2)], ['PZ-3', '2024-05-01', '办公室', '31002', 1, 'HT-1']] as Cell[][];
    expenses[1]![0] = 'PZ-2';
    assert.deepEqual(codes({ purchases: [svc('HT-1')], expenses }), ['E01@支出明细!E3', 'E01@支出明细!E4']);
  });
  it('a refund brings payments back within the amount', () => {
    const expenses = [paidFor('HT-1', 10000), ['PZ-2', '2024-03-21', '办公室', '31002', -2000, 'HT-1'], ['PZ-3', '2024-03-22', '办公室', '31002', 2000, 'HT-1']] as Cell[][];
    assert.deepEqual(codes({ purchases: [svc('HT-1')], expenses }), []);
  });
  it('E02: a payment for a purchase that does not exist', () => {
    assert.deepEqual(codes({ purchases: [svc('HT-1')], expenses: [paidFor('HT-1'), paidFor('HT-9')] }), ['E02@支出明细!F3']);
  });
  it('E03: a purchase more than 60 days old without a payment (info)', () => {
    const f = findings({ purchases: [svc('HT-1', '2024-04-30'), svc('HT-2', '2024-05-01')], expenses: [] });
    assert.deepEqual(where(f), ['E03@合同台账!2']);
    assert.equal(f.find((x) => x.code === 'E03')!.severity, 'info');
  });
  it('B01: cumulative spending beyond the line, this and later rows; B02: no line', () => {
    const budget = [[2024, '办公室', '30201', 1000], [2024, null, '30202', 500]] as Cell[][];
    const expenses = [
      ['PZ1', '2024-01-05', '办公室', '30201', 600, null], ['PZ2', '2024-02-05', '办公室', '30201', 500, null],
      ['PZ3', '2024-03-05', '财务科', '30202', 300, null], ['PZ4', '2024-03-06', '办公室', '30202', 300, null],
      ['PZ5', '2024-03-07', '财务科', '30201', 10, null],
    ] as Cell[][];
    // 30202 has one line without department: both departments are pooled against it.
    assert.deepEqual(codes({ expenses, budget }), ['B01@支出明细!E3', 'B01@支出明细!E5', 'B02@支出明细!D6']);
  });
  it('B rules run only for years with a budget ledger', () => {
    const expenses = [['PZ1', '2023-12-05', '办公室', '30201', 600, null]] as Cell[][];
    assert.deepEqual(codes({ expenses, budget: [[2024, '办公室', '30201', 100]] }), []);
    assert.deepEqual(codes({ expenses }), []);
  });
});

describe('reconciliation on the sample', () => {
  it('check + reconcile give exactly the 15 findings of its README, in order', async () => {
    const expected = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'sample-2024.expected.json'), 'utf8'));
    const grids = await readAllSheets(await readWorkbookFile(path.join(__dirname, 'fixtures', 'sample-2024.xlsx'), 'zh'));
    const r = checkWorkbook(grids, { asOf: '2024-06' });
    const all = [...r.findings, ...reconcile(r.ledgers, { asOf: r.as_of, ref: DEFAULT_REFERENCE, lang: 'en' }).findings];
    sortFindings(all, new Map(grids.map((g, i) => [g.name, i])));
    const shape = (f: { code: string; severity: string; sheet?: string; row?: number; column?: string; field?: string; ids?: unknown }) =>
      ({ code: f.code, severity: f.severity, sheet: f.sheet, row: f.row, column: f.column, field: f.field, ids: f.ids });
    assert.deepEqual(all.map(shape), expected.findings.map(shape));
    assert.equal(all.find((f) => f.code === 'A01')!.message, 'quantity 3, cards found 2');
  });
});

void D;
