/** The CLI as a newcomer meets it: help for each command, the locale's language, --in-place, a reviewer's unit. */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import * as XLSX from '@e965/xlsx';
import { cli } from './support/cli';
import { tmpDir } from './support/xlsx';
import { purchaseCells, purchasePush, pushWith, testService } from './support/service';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
const COMMANDS = ['check', 'analyze', 'push', 'report', 'close', 'reopen', 'diff', 'audit', 'manifest', 'serve', 'token', 'backup', 'restore', 'db'];

/** Runs fn with the locale variables set as given, then as they were. */
async function withLocale<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

describe('the CLI for a newcomer', () => {
  it('`<command> --help` prints that command’s usage and exits 0, for every command, in Chinese or English', async () => {
    for (const c of COMMANDS) {
      const zh = await cli(c, '--help');
      assert.equal(zh.code, 0, `${c}: ${zh.err}`);
      assert.match(zh.out, new RegExp(`^用法:\\n  ledger-sync ${c} `), c);
      assert.doesNotMatch(zh.out, /\n {6}[a-z]/, `${c}: the description is in Chinese`);
      const en = await cli(c, '-h', '--lang', 'en');
      assert.match(en.out, new RegExp(`^Usage:\\n  ledger-sync ${c} `), c);
      assert.equal(en.err, '');
    }
    const all = await cli('--help');
    assert.equal(all.code, 0);
    for (const c of COMMANDS) assert.match(all.out, new RegExp(`ledger-sync ${c} `));
  });

  it('speaks the locale’s language without --lang (LC_ALL over LC_MESSAGES over LANG), Chinese by default', async () => {
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ LANG: 'en_US.UTF-8', LC_ALL: undefined, LC_MESSAGES: undefined }, /^ledger-sync: Unknown option '--nope'/],
      [{ LANG: 'zh_CN.UTF-8', LC_ALL: undefined, LC_MESSAGES: undefined }, /^ledger-sync: 未知的选项“--nope”/],
      [{ LANG: 'zh_CN.UTF-8', LC_ALL: 'en_GB.UTF-8', LC_MESSAGES: undefined }, /^ledger-sync: Unknown option/],
      [{ LANG: 'en_US.UTF-8', LC_ALL: undefined, LC_MESSAGES: 'zh_CN.UTF-8' }, /^ledger-sync: 未知的选项/],
      [{ LANG: 'C.UTF-8', LC_ALL: undefined, LC_MESSAGES: undefined }, /^ledger-sync: 未知的选项/],
    ];
    for (const [vars, words] of cases) {
      const r = await withLocale(vars, () => cli('check', SAMPLE, '--nope'));
      assert.equal(r.code, 2);
      assert.match(r.err, words, JSON.stringify(vars));
    }
    const usage = await withLocale({ LANG: 'en_US.UTF-8', LC_ALL: undefined, LC_MESSAGES: undefined }, () => cli('--help'));
    assert.match(usage.out, /^Usage:/);
    // The results too: a check in an English locale reports in English.
    const checked = await withLocale({ LANG: 'en_US.UTF-8', LC_ALL: undefined, LC_MESSAGES: undefined }, () => cli('check', SAMPLE));
    assert.match(checked.out, /errors?, \d+ warnings?/);
    // --lang wins over the locale.
    const forced = await withLocale({ LANG: 'en_US.UTF-8', LC_ALL: undefined, LC_MESSAGES: undefined }, () => cli('check', SAMPLE, '--nope', '--lang', 'zh'));
    assert.match(forced.err, /未知的选项/);
  });

  it('`analyze --out` naming the input is refused; `--in-place` writes into it and keeps the original as .bak', async () => {
    const dir = tmpDir();
    const book = path.join(dir, '台账.xlsx');
    copyFileSync(SAMPLE, book);
    const refused = await cli('analyze', book, '--out', book);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /^ledger-sync: --out 不能是输入的工作簿本身：.*--in-place/);
    assert.deepEqual(readFileSync(book), readFileSync(SAMPLE));
    const r = await cli('analyze', book, '--in-place');
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /已写入 .*台账\.xlsx：9 张分析表，6 个图表；原文件另存为 .*台账\.xlsx\.bak/);
    assert.deepEqual(readFileSync(`${book}.bak`), readFileSync(SAMPLE));
    const names = XLSX.readFile(book).SheetNames;
    assert.equal(names.length, XLSX.readFile(SAMPLE).SheetNames.length + 9);
    // Again in place: still one set of analysis sheets, and .bak is the last original.
    assert.equal((await cli('analyze', book, '--in-place', '--lang', 'en')).code, 1);
    assert.equal(XLSX.readFile(book).SheetNames.length, names.length);
    // A CSV cannot take sheets: written in place it would have to become an .xlsx.
    const csv = path.join(dir, 'b.csv');
    writeFileSync(csv, '合同编号,金额\nHT-1,100\n');
    const csvIn = await cli('analyze', csv, '--in-place');
    assert.equal(csvIn.code, 2);
    assert.match(csvIn.err, /--out 必须以 \.xlsx 结尾/);
  });

  it('`diff` lists every changed row (none cut at 20) with its fields’ labels, and its sheet counts them by type', async () => {
    const s = await testService('sqlite');
    const listening = http.createServer(s.app).listen(0);
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    try {
      assert.equal((await pushWith(s, s.tokens.clerkA, purchasePush(purchaseCells(30), '2024-01'))).commit?.status, 201);
      const feb = purchaseCells(30).slice(0, 29);
      for (let i = 0; i < 25; i++) feb[i]![6] = 99;
      assert.equal((await pushWith(s, s.tokens.clerkA, purchasePush(feb, '2024-02'))).commit?.status, 201);
      const out = path.join(tmpDir(), 'diff.xlsx');
      const d = await cli('diff', '--server', url, '--token', s.tokens.clerkA, '--period', '2024-02', '--out', out);
      assert.equal(d.code, 0, d.err);
      const changed = d.out.split('\n').filter((l) => l.startsWith('    ~ '));
      assert.equal(changed.length, 25);
      assert.ok(changed.every((l) => /数量：\d → 99$/.test(l)), changed[0]);
      assert.equal(d.out.split('\n').filter((l) => l.startsWith('    - ')).length, 1);
      const ws = XLSX.readFile(out).Sheets['本月变动']!;
      assert.match(String(ws['A2']!.v), /^对比 2024-01 的最新快照：新增 0 行，删除 1 行，修改 25 行　生成于 \d{4}-\d\d-\d\d \d\d:\d\d$/);
    } finally {
      listening.close();
      await s.close();
    }
  });

  it('a reviewer’s `diff` and `close` without --unit are answered with the units there are; a clerk’s diff is of its own unit', async () => {
    const s = await testService('sqlite');
    const listening = http.createServer(s.app).listen(0);
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    try {
      for (const args of [['diff'], ['close'], ['reopen', '--reason', 'x']]) {
        const r = await cli(...args, '--server', url, '--token', s.tokens.reviewer, '--period', '2024-06');
        assert.equal(r.code, 2, r.out + r.err);
        assert.equal(r.err, `ledger-sync: 复核人员请用 --unit 指定单位（ledger-sync ${args[0]} … --unit 单位代码）；现有单位：A 甲单位、ADMIN、B 乙单位、REVIEW\n`);
      }
      const mine = await cli('diff', '--server', url, '--token', s.tokens.clerkA, '--period', '2024-06', '--json');
      assert.equal(mine.code, 0, mine.err);
      assert.equal(JSON.parse(mine.out).unit, 'A');
      const theirs = await cli('diff', '--server', url, '--token', s.tokens.reviewer, '--period', '2024-06', '--unit', 'B', '--json');
      assert.equal(JSON.parse(theirs.out).unit, 'B');
    } finally {
      listening.close();
      await s.close();
    }
  });

  it('every refusal is one line in the session’s language: no English in a Chinese session but options, commands and values quoted', async () => {
    const s = await testService('sqlite');
    const listening = http.createServer(s.app).listen(0);
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const dir = tmpDir();
    const srv = ['--server', url];
    const cases: string[][] = [
      ['close', 'x', ...srv, '--token', s.tokens.reviewer, '--period', '2024-06'],
      ['reopen', ...srv, '--token', s.tokens.reviewer, '--period', '2024-06', '--unit', 'A', '--override', 'x'],
      ['close', ...srv, '--token', s.tokens.reviewer, '--period', '2024-06', '--unit', 'A', '--reason', 'x'],
      ['reopen', ...srv, '--token', s.tokens.reviewer, '--period', '2024-06', '--unit', 'A'],
      ['reopen', ...srv, '--token', s.tokens.reviewer, '--period', '2024-06', '--unit', 'A', '--reason', '补录'],
      ['diff', ...srv, '--token', s.tokens.clerkA, '--period', '2024-06', '--kind', 'nope'],
      ['audit', ...srv, '--token', s.tokens.reviewer],
      ['audit', ...srv, '--token', s.tokens.clerkA, '--json'],
      ['report', SAMPLE, ...srv, '--token', s.tokens.clerkA, '--period', '2024-06'],
      ['report', ...srv, '--token', s.tokens.clerkA, '--period', '2024-06'],
      ['diff', ...srv, '--token', 'lsk_wrong', '--period', '2024-06', '--json'],
      ['diff', '--server', 'http://127.0.0.1:9', '--token', s.tokens.clerkA, '--period', '2024-06', '--json'],
      ['check', SAMPLE, '--reference', path.join(dir, 'none.json')],
      ['check', path.join(dir, 'none.xlsx')],
      ['manifest'],
      ['serve', '--port', 'x'],
      ['token', 'create', '--role', 'clerk'],
      ['token', 'create', '--unit', 'A', '--role', 'boss'],
    ];
    try {
      for (const args of cases) {
        const zh = await cli(...args);
        assert.equal(zh.code, 2, `${args.join(' ')}: ${zh.out}${zh.err}`);
        const line = zh.err.trimEnd();
        assert.equal(line.split('\n').length, 1, line);
        assert.match(line, /^ledger-sync: .*[\u4e00-\u9fff]/, line);
        // What may stay Latin: options and commands, codes, file paths, addresses and the values given.
        const rest = line.replace(/^ledger-sync: /, '').replace(/--[a-z-]+|ledger-sync|https?:\/\/\S+|\/\S+|“[^”]*”|"[^"]*"|\b(clerk|reviewer|admin|close|reopen|diff|audit|report|manifest|serve|token create|never|JSON|HTTP|ECONNREFUSED|xlsx|json|lsk_\w+|plan|purchase|asset_event|asset|expense|budget)\b/g, '');
        assert.doesNotMatch(rest, /[A-Za-z]{3,}/, `${args.join(' ')}: ${line}`);
        const en = await cli(...args, '--lang', 'en');
        assert.doesNotMatch(en.err, /[\u4e00-\u9fff]{2}/, en.err);
      }
    } finally {
      listening.close();
      await s.close();
    }
  });
});
