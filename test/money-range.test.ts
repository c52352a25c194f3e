/**
 * Money stays exact without BigInt: integer fen within Number.MAX_SAFE_INTEGER, and a total that
 * would pass it is refused in the session's language — never shown rounded.
 */
import assert from 'node:assert/strict';
import { MoneyRangeError, exactFen } from '../shared/money';
import { runBookMonth } from '../shared/month-run';
import { PURCHASE_HEADER, grid, purchaseRow } from './support/grid';

describe('money totals stay exact or are refused', () => {
  const fine: number[] = [0, 1, -1, 123_456_789, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
  const refused: number[] = [Number.MAX_SAFE_INTEGER + 1, -(2 ** 53), 1e20, 0.5, NaN, Infinity, -Infinity];
  for (const n of fine) it(`${n} fen is exact`, () => assert.equal(exactFen(n), n));
  for (const n of refused) it(`${n} fen is refused`, () => assert.throws(() => exactFen(n), MoneyRangeError));

  // 999,999,999,999.99 yuan a contract: 20 of them stay under 2^53 fen (also annualised in 预算建议), 100 do not.
  const PLAN_HEADER = ['计划编号', '预算年度', '使用部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];
  const big = 999_999_999_999.99;
  const book = (n: number) => {
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    return [
      grid('采购计划', [PLAN_HEADER, ...ids.map((i) => [`JH-${i}`, 2024, '办公室', 'A02010105', '台式计算机', 1, big, big, '协议采购'])]),
      grid('合同台账', [PURCHASE_HEADER, ...ids.map((i) => purchaseRow({ id: `HT-${i}`, plan: `JH-${i}`, qty: 1, price: big, amount: big }))]),
    ];
  };

  it('analyses 20 contracts of nearly a trillion yuan each, the total exact', () => {
    const { analysis } = runBookMonth(book(20), { asOf: '2024-06' });
    const t = analysis.tables.methods;
    const amount = t.rows.map((r) => r[t.columns.indexOf('exec_amount')]);
    assert.ok(amount.includes('19999999999999.80'), JSON.stringify(amount));
  });

  it('refuses 100 of them, saying why in Chinese and in English', () => {
    for (const lang of ['zh', 'en'] as const) {
      assert.throws(
        () => runBookMonth(book(100), { asOf: '2024-06', lang }),
        (e: unknown) => e instanceof MoneyRangeError && (lang === 'zh' ? /超出可精确计算的范围（约 90 万亿元）/ : /beyond what can be computed exactly/).test(e.text(lang)),
      );
    }
  });
});
