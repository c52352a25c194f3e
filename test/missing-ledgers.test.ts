/**
 * rules.md as it changed: a ledger the rules need that was not read is one I05 note, never an error
 * per row; a purchase without an item code is judged by its catalogue name (capitalisation, P08).
 */
import assert from 'node:assert/strict';
import request from 'supertest';
import { Cell } from '../shared/workbook';
import { reconcile } from '../shared/reconcile';
import { DEFAULT_REFERENCE } from '../shared/reference';
import { Finding } from '../shared/findings';
import { D, PURCHASE_HEADER, check, grid, purchaseRow, where } from './support/grid';
import { purchaseCells, purchasePush, pushWith, testService } from './support/service';
import { reconcilerOf } from '../server/app';

const PLAN: Cell[] = ['计划编号', '预算年度', '使用部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];
const ASSET: Cell[] = ['资产编号', '资产名称', '品目编码', '价值', '取得日期', '合同编号', '使用状况'];
const PAY: Cell[] = ['凭证号', '日期', '部门', '经济分类', '金额', '合同编号'];
const BUDGET: Cell[] = ['预算年度', '部门', '经济分类', '金额'];

const plans = grid('采购计划', [PLAN, ['JH-1', 2024, '办公室', 'A02010105', '台式计算机', 10, 5000, 50000, '协议采购']]);
const cards = (n: number, purchase = 'HT-1') => grid('固定资产台账', [ASSET, ...Array.from({ length: n }, (_, i) => [`ZC${i}`, '台式计算机', 'A02010105', 5000, D(2024, 3, 6), purchase, '在用'] as Cell[])]);
const pays = (purchase: string | null) => grid('支出明细', [PAY, ['PZ1', D(2024, 3, 20), '办公室', '31002', 1000, purchase]]);
const budget = grid('预算指标', [BUDGET, [2024, '办公室', '31002', 60000]]);

function findingsOf(...grids: ReturnType<typeof grid>[]): Finding[] {
  const r = check(grids, { asOf: '2024-06' });
  const rec = reconcile(r.ledgers, { asOf: r.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' });
  return [...r.findings, ...rec.findings].filter((f) => /^[PAEBI]0/.test(f.code) && f.code !== 'I02');
}
const codes = (fs: Finding[]) => where(fs).sort();

describe('I05: a ledger the rules need, not read', () => {
  const contracts = (rows: Cell[][]) => grid('合同台账', [PURCHASE_HEADER, ...rows]);
  const cases: [string, ReturnType<typeof grid>[], string[], Record<string, string>[]][] = [
    ['contracts alone: one note each for the plan and the register, no P01 or A01 per row', [contracts([purchaseRow(), purchaseRow({ id: 'HT-2' })])],
      ['I05@合同台账', 'I05@合同台账'], [{ value: 'plan', expected: 'P01–P07, P09, P11' }, { value: 'asset', expected: 'A01–A03' }]],
    ['contracts with a plan, no register', [plans, contracts([purchaseRow()])], ['I05@合同台账'], [{ value: 'asset', expected: 'A01–A03' }]],
    ['a register alone: no A04 per card', [cards(2, 'HT-9')], ['I05@固定资产台账'], [{ value: 'purchase', expected: 'A04, E02' }]],
    ['payments naming a purchase, no contracts, no budget: no E02; one note for each', [pays('HT-9')], ['I05@支出明细', 'I05@支出明细'], [{ value: 'purchase', expected: 'A04, E02' }, { value: 'budget', expected: 'B01–B02' }]],
    ['the register and payments without contracts: the one note goes on the register', [cards(1, 'HT-9'), pays('HT-9'), budget], ['I05@固定资产台账'], [{ value: 'purchase', expected: 'A04, E02' }]],
    ['every ledger there: no note', [plans, contracts([purchaseRow()]), cards(2), pays('HT-1'), budget], [], []],
  ];
  for (const [name, grids, want, details] of cases) {
    it(name, () => {
      const fs = findingsOf(...grids);
      const notes = fs.filter((f) => f.code === 'I05');
      assert.deepEqual(codes(notes), want);
      assert.deepEqual(notes.map((f) => ({ value: f.value!, expected: f.expected! })), details);
      for (const f of notes) assert.equal(f.severity, 'info');
      // Nothing the missing ledger would have judged.
      const stopped = new Set(notes.flatMap((f) => ({ plan: ['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P07', 'P09', 'P11'], asset: ['A01', 'A02', 'A03'], purchase: ['A04', 'E02'], budget: ['B01', 'B02'] })[f.value as 'plan']));
      assert.deepEqual(fs.filter((f) => stopped.has(f.code)).map((f) => f.code), []);
    });
  }

  it('is said in both languages, naming what was not judged and what to do', () => {
    const r = check([grid('合同台账', [PURCHASE_HEADER, purchaseRow()])], { asOf: '2024-06' });
    const zh = reconcile(r.ledgers, { asOf: r.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' }).findings.find((f) => f.code === 'I05')!;
    assert.equal(zh.message, '未读到采购计划，P01–P07, P09, P11 未核对（采购是否有计划及数量、单价、方式、年度）：请在工作簿中加入采购计划表，或在加载项中指定其工作表');
    const en = reconcile(r.ledgers, { asOf: r.as_of, ref: DEFAULT_REFERENCE, lang: 'en' }).findings.find((f) => f.code === 'I05')!;
    assert.match(en.message, /^no plan ledger was read, so P01–P07, P09, P11 were not judged/);
  });

  it('the service, among the unit’s snapshots: contracts pushed alone get the notes, not an error per row', async () => {
    const s = await testService('sqlite');
    try {
      assert.equal((await pushWith(s, s.tokens.clerkA, purchasePush(purchaseCells(30)))).commit?.status, 201);
      await reconcilerOf(s.app).idle();
      const r = await request(s.app).get('/api/v1/findings?period=2024-06').set({ Authorization: `Bearer ${s.tokens.clerkA}` });
      const got = r.body.findings.map((f: Finding) => f.code).filter((c: string) => /^[PA]0|^I05/.test(c));
      assert.deepEqual(got.sort(), ['I05', 'I05']);
    } finally {
      await s.close();
    }
  });
});

describe('item codes from catalogue names', () => {
  const contracts = (rows: Cell[][]) => grid('合同台账', [PURCHASE_HEADER, ...rows]);
  it('a purchase without a code is capitalised by its catalogue name: A01 when its cards fall short', () => {
    const fs = findingsOf(plans, contracts([purchaseRow({ code: null, name: '台式计算机', qty: 2 })]), cards(1));
    assert.deepEqual(codes(fs.filter((f) => f.code.startsWith('A'))), ['A01@合同台账!2']);
  });

  it('a name in no catalogue: capitalised only when a card names the purchase', () => {
    const named = findingsOf(plans, contracts([purchaseRow({ code: null, name: '定制展柜', qty: 3 })]), cards(1));
    assert.deepEqual(codes(named.filter((f) => f.code.startsWith('A'))), ['A01@合同台账!2']);
    const unnamed = findingsOf(plans, contracts([purchaseRow({ code: null, name: '定制展柜', qty: 3 })]), cards(1, 'HT-OTHER'));
    assert.deepEqual(codes(unnamed.filter((f) => f.code === 'A01')), []);
  });

  it('P08 by catalogue name: a 2022 printer (A020210…) bought by inquiry without an approved change', () => {
    const fs = findingsOf(plans, contracts([purchaseRow({ code: null, name: 'A4彩色打印机', method: '询价', qty: 1, price: 3000, amount: 3000 })]), cards(1));
    assert.ok(codes(fs).includes('P08@合同台账!J2'), codes(fs).join(' '));
    const own = findingsOf(plans, contracts([purchaseRow({ code: 'A05010201', name: 'A4彩色打印机', method: '询价', qty: 1, price: 3000, amount: 3000 })]), cards(1));
    assert.ok(!codes(own).some((c) => c.startsWith('P08')), 'an own code wins over the name');
  });
});
