/** layouts.md "Messages": a Chinese message holds no English, an English one no Chinese, each one line. */
import assert from 'node:assert/strict';
import { checkWorkbook } from '../shared/check';
import { Cell } from '../shared/workbook';
import { grid } from './support/grid';

const rows: Cell[][] = [
  ['计划编号', '预算年度', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'],
  ['JH-1', '二〇二四', 'X12', '电脑', '五台', '约5000', 10000, '随便买'],
  ['JH-2', 2024, 'A02010105', '电脑', 1, 5000, 5000, '询价'],
];
const expenses: Cell[][] = [
  ['凭证号', '日期', '经济分类', '金额'],
  ['PZ-1', '2024-03-05', '30299 办公费', 'abc'],
  ['PZ-2', '2024-02-30', '99999', 100],
];

describe('messages in the session\'s language only', () => {
  const zh = checkWorkbook([grid('采购计划', rows), grid('支出明细', expenses)], { asOf: '2024-06' });
  const en = checkWorkbook([grid('采购计划', rows), grid('支出明细', expenses)], { asOf: '2024-06', lang: 'en' });

  it('the workbook gives the findings this test is about', () => {
    assert.deepEqual(new Set(zh.findings.map((f) => f.code)), new Set(['V02', 'V03', 'V04', 'V08']));
  });

  for (const [i, f] of zh.findings.entries()) {
    it(`${f.code} ${f.sheet}!${f.column}${f.row} in Chinese: ${f.message}`, () => {
      // Latin letters only inside the quoted cell value or as catalogue codes (A02010104).
      const words = f.message.replace(/“[^”]*”/g, '').replace(/\b[ABC]\d+\b/g, '');
      assert.ok(!/[A-Za-z]{2,}/.test(words), f.message);
      assert.ok(!f.message.includes('\n'));
    });
    it(`${f.code} ${f.sheet}!${f.column}${f.row} in English`, () => {
      const m = en.findings[i]!.message;
      assert.ok(!/[\u4e00-\u9fff]/.test(m.replace(/"[^"]*"/g, '').replace(/\(expected [^)]*\)/, '')), m);
    });
  }

  it('a header written over two lines is named on one line', () => {
    const r = checkWorkbook([grid('支出明细', [['凭证号', '支付\n日期', '经济分类', '金额'], ['PZ-1', '2024-02-30', '30201', 5]])], { asOf: '2024-06' });
    assert.equal(r.findings.length, 1);
    assert.match(r.findings[0]!.message, /^“支付 日期”无法识别为日期/);
  });
});
