import assert from 'node:assert/strict';
import { Cell } from '../shared/workbook';
import { reconcilePurchases } from '../shared/reconcile-purchases';
import { DEFAULT_REFERENCE } from '../shared/reference';
import { check, grid, where } from './support/grid';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { readWorkbookFile } from '../cli/read-workbook';
import { readAllSheets } from '../shared/workbook';
import { checkWorkbook } from '../shared/check';

const PLAN_HEADER: Cell[] = ['计划编号', '预算年度', '使用部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];
const PURCHASE_HEADER: Cell[] = ['合同编号', '计划编号', '采购日期', '部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式', '变更批复'];

type Line = [string, number, string | null, string | null, string, number, number, number | null, string];
type Buy = [string, string | null, string, string | null, string | null, string, number, number, number | null, string, string | null];

const line = (over: Partial<Record<'id' | 'year' | 'dept' | 'code' | 'name' | 'qty' | 'price' | 'amount' | 'method', unknown>> = {}): Line => {
  const v = { id: 'JH-1', year: 2024, dept: '办公室', code: 'A02010105', name: '台式计算机', qty: 10, price: 5000, amount: null, method: '协议采购', ...over };
  return [v.id, v.year, v.dept, v.code, v.name, v.qty, v.price, v.amount, v.method] as Line;
};
const buy = (over: Partial<Record<'id' | 'plan' | 'date' | 'dept' | 'code' | 'name' | 'qty' | 'price' | 'amount' | 'method' | 'ref', unknown>> = {}): Buy => {
  const v = { id: 'HT-1', plan: 'JH-1', date: '2024-03-05', dept: '办公室', code: 'A02010105', name: '台式计算机', qty: 2, price: 5000, amount: null, method: '协议采购', ref: null, ...over };
  return [v.id, v.plan, v.date, v.dept, v.code, v.name, v.qty, v.price, v.amount, v.method, v.ref] as Buy;
};

function run(lines: Line[], buys: Buy[], asOf = '2024-06') {
  const r = check([grid('采购计划', [PLAN_HEADER, ...lines]), grid('合同台账', [PURCHASE_HEADER, ...buys])], { asOf });
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), [], 'fixtures are valid rows');
  return reconcilePurchases(r.ledgers.plan, r.ledgers.purchase, { asOf: r.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' });
}
const codes = (lines: Line[], buys: Buy[], asOf?: string) => where(run(lines, buys, asOf).findings);

describe('plan ↔ purchase reconciliation (P codes)', () => {
  it('a purchase within its plan line gives no finding', () => {
    assert.deepEqual(codes([line()], [buy(), buy({ id: 'HT-2', qty: 8 })]), []);
  });

  it('P01: an unknown plan_id, or no line matching without one', () => {
    assert.deepEqual(codes([line()], [buy({ plan: 'JH-9' })]), ['P01@合同台账!2', 'P11@采购计划!2']);
    assert.deepEqual(codes([line()], [buy({ plan: null, code: 'A05010201', name: '办公桌' })]), ['P01@合同台账!2', 'P11@采购计划!2']);
    const f = run([line()], [buy({ plan: 'JH-9' })]).findings[0]!;
    assert.deepEqual(f.ids, { purchase_id: 'HT-1', plan_id: 'JH-9' });
    assert.equal(f.column, undefined);
  });

  it('matching without plan_id: by item code and department in the purchase year; by name when a code is missing', () => {
    const r = run([line({ id: 'JH-A', dept: '财务科' }), line({ id: 'JH-B' })], [buy({ plan: null })]);
    assert.deepEqual(where(r.findings), ['P11@采购计划!2']);
    assert.equal(r.matches.get(0), 1);
    assert.deepEqual(codes([line({ code: null })], [buy({ plan: null })]), []);
    assert.deepEqual(codes([line({ year: 2023 })], [buy({ plan: null })], '2024-06'), ['P01@合同台账!2']);
  });

  it('several candidate lines: the first whose remaining amount covers the purchase, else the first', () => {
    const lines = [line({ id: 'JH-A', qty: 1 }), line({ id: 'JH-B', qty: 10 })];
    const r = run(lines, [buy({ plan: null, qty: 1 }), buy({ id: 'HT-2', plan: null, date: '2024-03-06', qty: 2 })]);
    assert.deepEqual([...r.matches.entries()], [[0, 0], [1, 1]]);
    assert.deepEqual(where(r.findings), []);
    const none = run([line({ id: 'JH-A', qty: 1 }), line({ id: 'JH-B', qty: 1 })], [buy({ plan: null, qty: 5 })]);
    assert.equal(none.matches.get(0), 0);
  });

  it('P02: matched by plan_id but another item', () => {
    const f = run([line()], [buy({ code: 'A02010108', name: '便携式计算机' })]).findings;
    assert.deepEqual(where(f), ['P02@合同台账!E2']);
    assert.equal(f[0]!.value, 'A02010108');
    assert.equal(f[0]!.expected, 'A02010105');
    assert.deepEqual(where(run([line({ code: null })], [buy({ code: null, name: '打印机' })]).findings), ['P02@合同台账!F2']);
  });

  it('P03: cumulative quantity above the plan, on this and every later row of the line, in date order', () => {
    const buys = [buy({ id: 'HT-3', date: '2024-05-01', qty: 1 }), buy({ id: 'HT-1', date: '2024-02-01', qty: 6 }), buy({ id: 'HT-2', date: '2024-03-01', qty: 5 })];
    // HT-2 (row 4, March) first takes the line to 11 of 10, then HT-3 (row 2, May); HT-1 (February) stays within.
    assert.deepEqual(codes([line()], buys).sort(), ['P03@合同台账!G2', 'P03@合同台账!G4', 'P05@合同台账!I2', 'P05@合同台账!I4']);
  });

  it('P04: a unit price above the plan', () => {
    assert.deepEqual(codes([line()], [buy({ price: 5000.01 })]), ['P04@合同台账!H2']);
    assert.deepEqual(codes([line()], [buy({ price: 4999 })]), []);
  });

  it('P05: cumulative amount above the plan amount (quantity within)', () => {
    assert.deepEqual(codes([line({ amount: 40000 })], [buy({ qty: 5, price: 5000, amount: 25000 }), buy({ id: 'HT-2', date: '2024-03-06', qty: 4, price: 5000, amount: 20000 })]), ['P05@合同台账!I3']);
  });

  it('P06 without, P07 with an approval reference for another method', () => {
    assert.deepEqual(codes([line()], [buy({ method: '询价' })]), ['P06@合同台账!J2']);
    const f = run([line()], [buy({ method: '询价', ref: '财库〔2024〕12号' })]).findings;
    assert.deepEqual(where(f), ['P07@合同台账!J2']);
    assert.equal(f[0]!.severity, 'info');
  });

  it('P08: printers must go through agreement procurement, matched or not, unless approved', () => {
    const printer = { code: 'A02021004', name: 'A4彩色打印机', method: '询价' };
    const lines = [line({ code: 'A02021004', name: 'A4彩色打印机', method: '询价' })];
    assert.deepEqual(codes(lines, [buy(printer)]), ['P08@合同台账!J2']);
    assert.deepEqual(codes(lines, [buy({ ...printer, ref: '批复' })]), []);
    assert.deepEqual(codes(lines, [buy({ ...printer, method: '协议采购' })]), ['P06@合同台账!J2']);
    // 2013 catalogue printers (11-digit code) follow the 2013 rule.
    assert.deepEqual(codes([line({ code: 'A0201060102', name: '激光打印机', method: '询价' })], [buy({ code: 'A0201060102', name: '激光打印机', method: '询价' })]), ['P08@合同台账!J2']);
  });

  it('P09: the purchase year differs from the plan year', () => {
    assert.deepEqual(codes([line({ year: 2023 })], [buy({ date: '2024-01-10' })], '2024-06'), ['P09@合同台账!C2']);
  });

  it('P10: split purchases within 90 days, each below the public-tender threshold, together at or above it', () => {
    const big = { code: 'A02061804', name: '空调机', price: 700000, qty: 1, amount: 700000, plan: null };
    const lines = [line({ code: 'A02061804', name: '空调机', qty: 10, price: 700000, method: '协议采购' })];
    const three = [buy({ ...big, id: 'H1', date: '2024-01-10' }), buy({ ...big, id: 'H2', date: '2024-02-10' }), buy({ ...big, id: 'H3', date: '2024-04-09' })];
    assert.deepEqual(codes(lines, three), ['P10@合同台账!2', 'P10@合同台账!3', 'P10@合同台账!4']);
    // The third is a day past the 90-day window: two are not enough.
    assert.deepEqual(codes(lines, [three[0]!, three[1]!, buy({ ...big, id: 'H3', date: '2024-04-10' })]), []);
    // A public tender among them breaks the set.
    assert.deepEqual(codes(lines.map((l) => { const c = [...l] as Line; c[8] = '公开招标'; return c; }), [three[0]!, three[1]!, buy({ ...big, id: 'H3', date: '2024-04-09', method: '公开招标' })]).filter((c) => c.startsWith('P10')), []);
  });

  it('P11: plan lines of the year without a purchase by the as-of date; not for other years', () => {
    assert.deepEqual(codes([line(), line({ id: 'JH-2', code: 'A05010201', name: '办公桌' })], [buy()]), ['P11@采购计划!3']);
    assert.deepEqual(codes([line()], [buy({ date: '2024-07-02' })], '2024-06'), ['P11@采购计划!2']);
    assert.deepEqual(codes([line({ year: 2023 })], [], '2024-06'), []);
  });

  it('invalid rows take no part; a plan_id carried only by an invalid line is no P01', () => {
    const r = check([grid('采购计划', [PLAN_HEADER, line({ qty: -1 })]), grid('合同台账', [PURCHASE_HEADER, buy(), buy({ id: 'HT-2', qty: 0 })])], { asOf: '2024-06' });
    const p = reconcilePurchases(r.ledgers.plan, r.ledgers.purchase, { asOf: r.as_of, ref: DEFAULT_REFERENCE, lang: 'en' });
    assert.deepEqual(p.findings, []);
    assert.equal(p.matches.size, 0);
  });

  it('on the sample: exactly the P findings its README lists', async () => {
    const expected = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'sample-2024.expected.json'), 'utf8'));
    const grids = await readAllSheets(await readWorkbookFile(path.join(__dirname, 'fixtures', 'sample-2024.xlsx'), 'zh'));
    const r = checkWorkbook(grids, { asOf: '2024-06' });
    const p = reconcilePurchases(r.ledgers.plan, r.ledgers.purchase, { asOf: r.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' });
    const shape = (f: { code: string; sheet?: string; column?: string; row?: number; ids?: unknown }) => `${f.code}@${f.sheet}!${f.column ?? ''}${f.row} ${JSON.stringify(f.ids)}`;
    assert.deepEqual(p.findings.map(shape).sort(), expected.findings.filter((f: { code: string }) => f.code.startsWith('P')).map(shape).sort());
    assert.equal(p.matches.size, 43);
  });
});
