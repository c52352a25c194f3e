import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cli } from './support/cli';
import { tmpDir, writeXlsx } from './support/xlsx';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
const EXPECTED = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'sample-2024.expected.json'), 'utf8'));


describe('ledger-sync check', () => {
  it('on the sample: exactly the V and I findings its README lists, at those rows and columns', async () => {
    const { code, out, err } = await cli('check', SAMPLE, '--json');
    assert.equal(err, '');
    assert.equal(code, 1);
    const json = JSON.parse(out);
    assert.equal(json.file, 'sample-2024.xlsx');
    assert.equal(json.as_of, EXPECTED.as_of);
    assert.deepEqual(json.sheets.map((s: { sheet: string; kind: string; header_row: number }) => ({ sheet: s.sheet, kind: s.kind, header_row: s.header_row })), EXPECTED.sheets);
    const keep = (f: Record<string, unknown>) => /^[VI]/.test(f.code as string);
    const shape = (f: Record<string, unknown>) => ({ code: f.code, severity: f.severity, sheet: f.sheet, row: f.row, column: f.column, field: f.field, ids: f.ids });
    assert.deepEqual(json.findings.map(shape), EXPECTED.findings.filter(keep).map(shape));
    assert.deepEqual(json.summary, { error: 2, warning: 1, info: 2 });
  });

  it('JSON sheets carry the mapping by column letter and the unmapped headers', async () => {
    const json = JSON.parse((await cli('check', SAMPLE, '--json')).out);
    const plan = json.sheets[0];
    assert.equal(plan.data_rows, 31);
    assert.equal(plan.mapping.plan_id, 'B');
    assert.equal(plan.mapping.method, 'I');
    assert.deepEqual(plan.unmapped, ['序号']);
    const v03 = json.findings.find((f: { code: string }) => f.code === 'V03');
    assert.equal(v03.value, '2024-02-30');
    assert.equal(v03.ledger, 'purchase');
  });

  it('human output is grouped by sheet, in Chinese by default and English with --lang en', async () => {
    const zh = await cli('check', SAMPLE);
    assert.equal(zh.code, 1);
    assert.match(zh.out, /合同台账 {2}\[采购执行 purchase\] {2}表头第 1 行, 45 行数据\n {4}C17 +V03 错误/);
    assert.match(zh.out, /合计：2 个错误，1 个警告，2 条提示/);
    const en = await cli('check', SAMPLE, '--lang', 'en');
    assert.match(en.out, /K19 +V06 warning +amount 2800\.00 ≠ quantity × unit price 20 × 130\.00 = 2600\.00/);
    assert.match(en.out, /Total: 2 errors, 1 warnings, 2 info/);
  });

  it('--as-of changes V09 and the as-of date', async () => {
    const json = JSON.parse((await cli('check', SAMPLE, '--json', '--as-of', '2024-03')).out);
    assert.equal(json.as_of, '2024-03-31');
    assert.ok(json.findings.some((f: { code: string }) => f.code === 'V09'));
  });

  it('exit 0 when there is no error-level finding', async () => {
    const dir = tmpDir();
    const file = await writeXlsx(path.join(dir, 'clean.xlsx'), [
      { name: '预算', rows: [['预算年度', '部门', '经济分类', '全年预算(万元)'], [2024, '办公室', '30201 办公费', 5], [2024, '办公室', '30202', 1.5], ['合计', null, null, 6.5]] },
    ]);
    const r = await cli('check', file, '--json');
    assert.equal(r.code, 0);
    const json = JSON.parse(r.out);
    // I01 for the total, I04: no dated row and no --as-of, so the as-of date came from the clock.
    assert.deepEqual(json.findings.map((f: { code: string }) => f.code), ['I04', 'I01']);
    assert.deepEqual(json.summary, { error: 0, warning: 0, info: 2 });
    const dated = JSON.parse((await cli('check', file, '--json', '--as-of', '2024-06')).out);
    assert.deepEqual(dated.findings.map((f: { code: string }) => f.code), ['I01'], 'no I04 when --as-of gives it');
  });

  const bad: [string, string[], RegExp][] = [
    ['no file argument', ['check'], /check 需要且只需要一个工作簿/],
    ['no file argument, in English', ['check', '--lang', 'en'], /takes one workbook/],
    ['a missing file', ['check', 'no-such.xlsx'], /找不到文件：no-such\.xlsx/],
    ['a missing file, in English', ['check', 'no-such.xlsx', '--lang', 'en'], /file not found: no-such\.xlsx/],
    ['a bad --as-of', ['check', SAMPLE, '--as-of', '2024-13'], /--as-of 应为 2000-01 至 2100-12 之间的年月/],
    ['a bad --as-of, in English', ['check', SAMPLE, '--as-of', '2024-13', '--lang', 'en'], /--as-of must be a month YYYY-MM/],
    ['a bad --year', ['check', SAMPLE, '--year', '24'], /--year 应为四位年份/],
    ['a bad --year, in English', ['check', SAMPLE, '--year', '24', '--lang=en'], /--year must be a year/],
    ['a bad --lang', ['check', SAMPLE, '--lang', 'fr'], /--lang 只能是 zh 或 en/],
    ['an unknown option', ['check', SAMPLE, '--frobnicate'], /未知的选项“--frobnicate”/],
    ['an unknown option, in English', ['check', SAMPLE, '--frobnicate', '--lang', 'en'], /Unknown option '--frobnicate'/],
    ['an unknown command', ['chekc', SAMPLE], /未知的命令“chekc”/],
    ['an unknown command, in English', ['chekc', SAMPLE, '--lang', 'en'], /unknown command "chekc"/],
  ];
  for (const [what, argv, message] of bad) {
    it(`exit 2 with one line for ${what}`, async () => {
      const r = await cli(...argv);
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.match(r.err, message);
      assert.equal(r.err.trim().split('\n').length, 1);
    });
  }

  it('the installed bin runs the same, and never prints a stack trace', () => {
    const bin = path.join(__dirname, '..', 'bin', 'ledger-sync.js');
    const ok = spawnSync(process.execPath, [bin, 'check', SAMPLE, '--json'], { encoding: 'utf8' });
    assert.equal(ok.status, 1, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).findings.length, 5);
    const dir = tmpDir();
    const notXlsx = path.join(dir, 'x.xlsx');
    require('node:fs').writeFileSync(notXlsx, 'hello');
    const badRun = spawnSync(process.execPath, [bin, 'check', notXlsx], { encoding: 'utf8' });
    assert.equal(badRun.status, 2);
    assert.equal(badRun.stdout, '');
    assert.match(badRun.stderr, /^ledger-sync: .*x\.xlsx 不是表格文件（是文本文件）：请选择 .*文件\n$/);
  });
});
