/**
 * What a hostile cell, a guessing client or a careless pipe can do to the service and the CLI:
 * rate limits, values past what a ledger holds, text that cannot be stored, control characters,
 * prototype keys, empty workbooks, and analysis sheets written twice in two languages.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import fc from 'fast-check';
import * as XLSX from '@e965/xlsx';
import { cli } from './support/cli';
import { rawXlsx } from './support/raw-xlsx';
import { tmpDir } from './support/xlsx';
import { DIALECTS, PURCHASE_HEADERS, TestService, purchaseCells, purchasePush, pushWith, testService } from './support/service';
import { SignInThrottle, DEFAULT_RATE_LIMITS } from '../server/rate-limits';
import { reconcilerOf } from '../server/app';
import { parseText, rawText } from '../shared/values';
import { visibleText, unstorableText } from '../shared/text';
import { Cell } from '../shared/workbook';

const ROOT = path.join(__dirname, '..');
const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
/** A contracts sheet (the service tests' headers) of these rows, written as an .xlsx. */
function purchaseBook(dir: string, name: string, rows: Cell[][]): string {
  const file = path.join(dir, name);
  writeFileSync(file, rawXlsx([{ name: '合同台账', rows: [PURCHASE_HEADERS, ...rows] }]));
  return file;
}

const get = (s: TestService, auth: string, extra: Record<string, string> = {}) => request(s.app).get('/api/v1/me').set({ Authorization: auth, ...extra });

describe('rate limits', () => {
  it('random tokens from one address are refused with 429 once the failed sign-ins are used up, and a valid token from there too', async () => {
    const s = await testService('sqlite', { rateLimits: { authFailures: 8, authFailuresFree: 100 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 20; i++) codes.push((await get(s, `Bearer lsk_guess${i}`)).status);
      assert.deepEqual(codes, [...Array(8).fill(401), ...Array(12).fill(429)]);
      const r = await get(s, `Bearer ${s.tokens.clerkA}`, { 'Accept-Language': 'zh-CN' });
      assert.equal(r.status, 429);
      assert.ok(Number(r.headers['retry-after']) > 0 && Number(r.headers['retry-after']) <= 15 * 60, r.headers['retry-after']);
      assert.match(r.body.error.message, /登录失败次数过多/);
      // No token at all counts as a failed sign-in too.
      const s2 = await testService('sqlite', { rateLimits: { authFailures: 3, authFailuresFree: 100 } });
      try {
        const bare: number[] = [];
        for (let i = 0; i < 5; i++) bare.push((await request(s2.app).get('/api/v1/me')).status);
        assert.deepEqual(bare, [401, 401, 401, 429, 429]);
      } finally {
        await s2.close();
      }
    } finally {
      await s.close();
    }
  });

  it('every spelling of the scheme shares the token’s one budget; another token has its own', async () => {
    const s = await testService('sqlite', { rateLimits: { perToken: 5 } });
    try {
      const spellings = ['Bearer', 'bearer', 'BEARER', 'bEaReR', 'Bearer '];
      const codes: number[] = [];
      for (const sp of spellings) codes.push((await get(s, `${sp} ${s.tokens.clerkA}`)).status);
      assert.deepEqual(codes, [200, 200, 200, 200, 200]);
      for (const sp of ['Bearer', 'bearer', 'BEARER', 'BeArEr']) {
        const r = await get(s, `${sp} ${s.tokens.clerkA}`);
        assert.equal(r.status, 429, sp);
        assert.ok(Number(r.headers['retry-after']) > 0);
        assert.equal(r.body.error.code, 'rate_limited');
      }
      assert.equal((await get(s, `bearer ${s.tokens.clerkB}`)).status, 200);
    } finally {
      await s.close();
    }
  });

  it('one address has a budget over all its tokens', async () => {
    const s = await testService('sqlite', { rateLimits: { perAddress: 6 } });
    try {
      const tokens = [s.tokens.clerkA, s.tokens.clerkB, s.tokens.reviewer];
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) codes.push((await get(s, `Bearer ${tokens[i % 3]}`)).status);
      assert.deepEqual(codes, [200, 200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await s.close();
    }
  });

  it('failed sign-ins past the free ones are answered ever more slowly (doubling), and the count ends with its window', async () => {
    let now = 0;
    const t = new SignInThrottle({ ...DEFAULT_RATE_LIMITS, authFailuresFree: 1, authFailureDelayMs: 40, authFailureMaxDelayMs: 1000, authFailures: 100, authFailureWindowMs: 60_000 }, () => now);
    const req = { ip: '10.0.0.7', socket: {} } as never;
    const took: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      await assert.rejects(t.failed(req, new Error('refused') as never), /refused/);
      took.push(performance.now() - t0);
    }
    // 0, then 40, 80, 160 ms (timers may fire a millisecond early).
    assert.ok(took[0]! < 30, String(took));
    for (const [i, least] of [[1, 40], [2, 80], [3, 160]] as const) assert.ok(took[i]! >= least - 2, `failure ${i + 1} took ${took[i]} ms`);
    now = 61_000;
    const t0 = performance.now();
    await assert.rejects(t.failed(req, new Error('refused') as never));
    assert.ok(performance.now() - t0 < 30, 'a new window starts without delay');
  });
});

for (const dialect of DIALECTS) {
  describe(`hostile values and bodies through the service on ${dialect}`, function () {
    this.timeout(120_000);
    let s: TestService;
    beforeEach(async () => {
      s = await testService(dialect);
    });
    afterEach(async () => {
      await s.close();
    });
    const auth = () => ({ Authorization: `Bearer ${s.tokens.clerkA}` });

    it('a quantity of 1e308, an amount of 10^12 yuan and a product past it are V02 on their cells, never valid and never NaN', async () => {
      const rows = purchaseCells(4);
      rows[0]![6] = 1e308; // quantity
      rows[1]![8] = '1000000000000'; // amount: 10^12 yuan
      rows[2]![6] = 1_000_000; // 10^6 × 9 × 10^11 yuan
      rows[2]![7] = 900_000_000_000;
      rows[2]![8] = null;
      rows[3]![8] = '999999999999.99'; // the largest amount a cell holds
      rows[3]![6] = 1;
      rows[3]![7] = '999999999999.99';
      const p = purchasePush(rows);
      const r = await pushWith(s, s.tokens.clerkA, p);
      assert.equal(r.commit?.status, 201, JSON.stringify(r.commit?.body ?? r.open.body));
      await reconcilerOf(s.app).idle();
      const f = await request(s.app).get('/api/v1/findings?period=2024-06&lang=zh').set(auth());
      assert.equal(f.status, 200);
      assert.doesNotMatch(JSON.stringify(f.body), /NaN|Infinity/);
      const v02 = f.body.findings.filter((x: { code: string }) => x.code === 'V02').map((x: { row: number; column: string; message: string }) => [x.row, x.column, x.message]);
      assert.deepEqual(v02.map((x: unknown[]) => x.slice(0, 2)), [[2, 'G'], [3, 'I'], [4, 'H']]);
      assert.match(v02[0][2], /小于 1 万亿（10¹²）的数量/);
      assert.match(v02[1][2], /小于 1 万亿元/);
      assert.match(v02[2][2], /数量×单价小于 1 万亿元/);
      const snap = await request(s.app).get(`/api/v1/snapshots/${r.commit!.body.snapshot_id}`).set(auth());
      assert.deepEqual(snap.body.rows.map((x: { valid: boolean }) => x.valid), [false, false, false, true]);
      assert.equal(snap.body.rows[3].values.amount, '999999999999.99');
    });

    it('text that cannot be stored exactly is refused naming the field and the cell; nothing is stored', async () => {
      const cases: [string, RegExp][] = [
        ['a\ud800b', /lone UTF-16 surrogate/],
        ['b\udc00', /lone UTF-16 surrogate/],
        ['x\u0000y', /NUL/],
      ];
      for (const [text, why] of cases) {
        const rows = purchaseCells(2);
        rows[1]![5] = text;
        const p = purchasePush(rows);
        const open = await request(s.app).post('/api/v1/pushes').set(auth()).send(p.open);
        assert.equal(open.status, 201);
        const chunk = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(auth()).type('json').send(JSON.stringify({ rows: p.rows, source_rows: p.sourceRows }));
        assert.equal(chunk.status, 400, JSON.stringify(text));
        assert.equal(chunk.body.error.field, 'rows[1][5]');
        assert.match(chunk.body.error.message, /^rows\[1\]\[5\] \(合同台账!F3\): /);
        assert.match(chunk.body.error.message, why);
      }
      // A sheet name with half a character, in the push's own body.
      const p = purchasePush(purchaseCells(1));
      const bad = { ...p.open, source: { ...p.open.source, workbook: 'book\ud800.xlsx' } };
      const r = await request(s.app).post('/api/v1/pushes').set(auth()).type('json').send(JSON.stringify(bad));
      assert.equal(r.status, 400);
      assert.equal(r.body.error.field, 'source.workbook');
      // Bytes that are not UTF-8 are refused, not decoded to U+FFFD.
      const open = await request(s.app).post('/api/v1/pushes').set(auth()).send(p.open);
      const raw = Buffer.concat([Buffer.from('{"rows":[["HT-1",null,null,null,null,"'), Buffer.from([0xff, 0xfe]), Buffer.from('"]],"source_rows":[[0,2]]}')]);
      const chunk = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(auth()).type('json').serialize((b: unknown) => b as string).send(raw);
      assert.equal(chunk.status, 400);
      assert.match(chunk.body.error.message, /not valid UTF-8/);
      assert.equal(await s.db.models.Snapshot.count(), 0);
    });

    it('a prototype key or an unknown key anywhere in a JSON body is 400 naming the key', async () => {
      const p = purchasePush(purchaseCells(1));
      const withKey = (json: string) => request(s.app).post('/api/v1/pushes').set(auth()).type('json').send(json);
      const body = JSON.stringify(p.open);
      const proto = body.replace('"columns":[{', '"columns":[{"__proto__":"K",');
      for (const [json, field] of [
        [proto, 'columns[0].__proto__'],
        [body.replace('"columns":[{', '"columns":[{"constructor":"K",'), 'columns[0].constructor'],
        [body.replace('{"kind"', '{"__proto__":{"admin":true},"kind"'), '__proto__'],
        [body.replace('"sheets":[{', '"sheets":[{"prototype":1,'), 'source.sheets[0].prototype'],
        [body.replace('{"kind"', '{"extra":1,"kind"'), 'extra'],
        [body.replace('"workbook":', '"note":"x","workbook":'), 'source.note'],
      ] as const) {
        const r = await withKey(json);
        assert.equal(r.status, 400, json);
        assert.equal(r.body.error.field, field);
      }
      const close = await request(s.app).post('/api/v1/periods/2024-06/close?unit=A').set({ Authorization: `Bearer ${s.tokens.reviewer}` }).type('json').send('{"reason":"x","__proto__":{"override":true}}');
      assert.equal(close.status, 400);
      assert.equal(close.body.error.field, '__proto__');
      assert.equal(await s.db.models.Push.count(), 0);
    });

    it('property: any text a cell can hold is stored as the core reads it, byte for byte, or refused naming the cell', async function () {
      this.timeout(300_000);
      // Any UTF-16 code unit (lone surrogates, NUL, controls, bidi overrides) as well as whole characters.
      const unit = fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
      const text = fc.string({ unit, minLength: 1, maxLength: 12 });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(text, async (t) => {
          const rows = purchaseCells(1, `p${n++}-`);
          rows[0]![5] = t; // 品目名称: text
          rows[0]![8] = t; // 金额: money, raw text kept when not a number
          const p = purchasePush(rows, '2024-06', `book${n}.xlsx`);
          const open = await request(s.app).post('/api/v1/pushes').set(auth()).send(p.open);
          if (open.status === 200) return; // the same content as the current snapshot
          assert.equal(open.status, 201, JSON.stringify(open.body));
          const chunk = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(auth()).type('json').send(JSON.stringify({ rows: p.rows, source_rows: p.sourceRows }));
          if (unstorableText(t)) {
            assert.equal(chunk.status, 400);
            assert.equal(chunk.body.error.field, 'rows[0][5]');
            return;
          }
          assert.equal(chunk.status, 200, JSON.stringify(chunk.body));
          const commit = await request(s.app).post(`/api/v1/pushes/${open.body.push_id}/commit`).set(auth());
          assert.ok(commit.status === 201 || commit.status === 200, JSON.stringify(commit.body));
          const snap = await request(s.app).get(`/api/v1/snapshots/${commit.body.snapshot_id}`).set(auth());
          const row = snap.body.rows[0];
          const name = parseText(t as Cell);
          if (name.ok && name.value !== '') assert.equal(row.values.item_name, name.value);
          if (row.raw.amount !== undefined) assert.equal(row.raw.amount, rawText(t as Cell));
        }),
        { numRuns: dialect === 'sqlite' ? 60 : 30 },
      );
    });

    it('`diff` shows a cell’s escape sequences and carriage returns as text; they never reach the terminal', async () => {
      const listening = http.createServer(s.app).listen(0);
      const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
      try {
        assert.equal((await pushWith(s, s.tokens.clerkA, purchasePush(purchaseCells(3), '2024-01'))).commit?.status, 201);
        const feb = purchaseCells(3);
        feb[0]![5] = '\u001b[2J\u001b[H一切正常\r伪造\u202e';
        assert.equal((await pushWith(s, s.tokens.clerkA, purchasePush(feb, '2024-02'))).commit?.status, 201);
        const d = await cli('diff', '--server', url, '--token', s.tokens.clerkA, '--period', '2024-02');
        assert.equal(d.code, 0, d.err);
        assert.doesNotMatch(d.out, /[\u001b\r\u202e]/);
        assert.match(d.out, /\\u001b\[2J\\u001b\[H一切正常\\u000d伪造\\u202e/);
        const j = await cli('diff', '--server', url, '--token', s.tokens.clerkA, '--period', '2024-02', '--json');
        const changed = JSON.parse(j.out).ledgers.find((l: { kind: string }) => l.kind === 'purchase').changed[0];
        assert.equal(changed.changes[0].after, '\u001b[2J\u001b[H一切正常\r伪造\u202e');
      } finally {
        listening.close();
      }
    });
  });
}

describe('control characters in what is shown', () => {
  it('visibleText: each control, bidi override and lone surrogate as \\uXXXX; whole characters and line breaks kept', () => {
    const cases: [string, string][] = [
      ['plain 文本', 'plain 文本'],
      ['a\u001b[31mb', 'a\\u001b[31mb'],
      ['tab\tand\nline', 'tab\tand\nline'],
      ['cr\rx', 'cr\\u000dx'],
      ['c1\u009bx', 'c1\\u009bx'],
      ['del\u007f', 'del\\u007f'],
      ['rtl\u202egnp.exe', 'rtl\\u202egnp.exe'],
      ['pair \ud83d\ude00 ok', 'pair \ud83d\ude00 ok'],
      ['lone \ud83d end', 'lone \\ud83d end'],
      ['low \ude00', 'low \\ude00'],
      ['\u0000', '\\u0000'],
    ];
    for (const [input, shown] of cases) assert.equal(visibleText(input), shown, JSON.stringify(input));
    // Inside a JSON string the escaped spelling means the same text.
    assert.equal(JSON.parse(`"${visibleText('x\u009by\u202e')}"`), 'x\u009by\u202e');
  });

  it('an analysis sheet shows a ledger’s control characters instead of dropping them', async () => {
    const dir = tmpDir();
    const book = purchaseBook(dir, 'ctl.xlsx', [['HT-\u001b[2J1', 'JH-9', '2024-03-05', '办公室', 'A02010105', '计算机', 1, 5000, 5000, '询价']]);
    const out = path.join(dir, 'ctl-analysis.xlsx');
    const r = await cli('analyze', book, '--out', out);
    assert.equal(r.code, 0, r.err);
    const wb = XLSX.readFile(out);
    // The clerk's own sheet stays as it was; the analysis sheets after it show the text.
    const texts = wb.SheetNames.filter((n) => n !== '合同台账').flatMap((n) => Object.values(wb.Sheets[n]!).filter((c): c is XLSX.CellObject => !!c && typeof c === 'object' && 'v' in c).map((c) => String(c.v)));
    assert.ok(texts.some((t) => t.includes('HT-\\u001b[2J1')), 'the contract number is shown with its escape');
    assert.ok(!texts.some((t) => t.includes('\u001b')));
  });
});

describe('hostile values through the CLI', () => {
  it('`check` gives V02 on the cells past what a ledger holds, and no NaN anywhere, in text and JSON', async () => {
    const dir = tmpDir();
    const book = purchaseBook(dir, 'huge.xlsx', [
      ['HT-1', 'JH-1', '2024-03-05', '办公室', 'A02010105', '计算机', 1e308, 365000, 365000, '询价'],
      ['HT-2', 'JH-1', '2024-03-05', '办公室', 'A02010105', '计算机', 1, '1e15', 1, '询价'],
      ['HT-3', 'JH-1', '2024-03-05', '办公室', 'A02010105', '计算机', 1, 5000, '12000亿元', '询价'],
      ['HT-4', 'JH-1', '2024-03-05', '办公室', 'A02010105', '计算机', 2, 5000, 10000, '询价'],
    ]);
    const text = await cli('check', book);
    assert.equal(text.code, 1);
    assert.doesNotMatch(text.out, /NaN|Infinity/);
    const json = JSON.parse((await cli('check', book, '--json')).out);
    const v02 = json.findings.filter((f: { code: string }) => f.code === 'V02').map((f: { row: number; column: string }) => `${f.column}${f.row}`);
    assert.deepEqual(v02, ['G2', 'H3', 'I4']);
    assert.doesNotMatch(JSON.stringify(json), /NaN|Infinity/);
    assert.ok(!json.findings.some((f: { row: number; severity: string }) => f.row === 5 && f.severity === 'error' && /^V/.test((f as unknown as { code: string }).code)));
  });
});

describe('clean failures of the CLI', () => {
  it('a workbook with no sheet holding anything is refused: exit 2, one line, in .xlsx and .csv', async () => {
    const dir = tmpDir();
    const empty = path.join(dir, 'empty.xlsx');
    writeFileSync(empty, rawXlsx([{ name: 'Sheet1', rows: [] }, { name: 'Sheet2', rows: [[null, '  '], ['']] }]));
    const csv = path.join(dir, 'blank.csv');
    writeFileSync(csv, ',,\r\n , ,\r\n');
    for (const [file, lang, words] of [[empty, 'zh', /empty\.xlsx 的工作表中没有任何内容/], [csv, 'en', /blank\.csv has no sheet holding anything/]] as const) {
      for (const command of ['check', 'analyze', 'push']) {
        const args = command === 'push' ? ['--server', 'http://127.0.0.1:9', '--token', 't', '--period', '2024-06'] : [];
        const r = await cli(command, file, '--lang', lang, ...args);
        assert.equal(r.code, 2, `${command}: ${r.out}${r.err}`);
        assert.equal(r.out, '');
        assert.match(r.err, words);
        assert.equal(r.err.trim().split('\n').length, 1);
      }
    }
  });

  it('`analyze --out` run twice in two languages leaves exactly one set of nine analysis sheets, which `check` does not read as ledgers', async () => {
    const dir = tmpDir();
    const zh = path.join(dir, 'zh.xlsx');
    const en = path.join(dir, 'en.xlsx');
    const back = path.join(dir, 'back.xlsx');
    assert.equal((await cli('analyze', SAMPLE, '--out', zh, '--lang', 'zh')).code, 1);
    assert.equal((await cli('analyze', zh, '--out', en, '--lang', 'en')).code, 1);
    assert.equal((await cli('analyze', en, '--out', back, '--lang', 'zh')).code, 1);
    const input = XLSX.readFile(SAMPLE).SheetNames;
    const names = (f: string) => XLSX.readFile(f).SheetNames;
    const enNames = names(en);
    assert.deepEqual(enNames.slice(0, input.length), input);
    assert.equal(enNames.length, input.length + 9);
    assert.ok(enNames.slice(input.length).every((n) => /^[A-Z][A-Za-z -]+$/.test(n)), enNames.join(','));
    assert.deepEqual(names(back), names(zh));
    const marks = (XLSX.readFile(en).Workbook?.Names ?? []).filter((n) => n.Name.startsWith('_LedgerSync.'));
    assert.equal(marks.length, 9);
    const summary = async (f: string) => JSON.parse((await cli('check', f, '--json')).out).summary;
    assert.deepEqual(await summary(en), await summary(SAMPLE));
    // LibreOffice and Excel need no repair: the package has no dangling parts.
    const zip = XLSX.readFile(en, { bookFiles: true } as XLSX.ParsingOptions) as unknown as { files: Record<string, unknown> };
    const sheets = Object.keys(zip.files).filter((k) => /^xl\/worksheets\/[^/]+\.xml$/.test(k));
    assert.equal(sheets.length, input.length + 9);
  });

  it('a closed pipe ends the output quietly: `check … | head -1` prints one line and no trace', () => {
    const dir = tmpDir();
    const csv = path.join(dir, 'many.csv');
    const lines = ['合同编号,计划编号,采购日期,部门,品目编码,品目名称,数量,单价,金额,采购方式'];
    for (let i = 0; i < 6000; i++) lines.push(`HT-${i},JH-1,2024-02-30,办公室,A02010105,计算机,x,5000,5000,询价`);
    writeFileSync(csv, lines.join('\n'));
    const r = spawnSync('bash', ['-c', `node bin/ledger-sync.js check "${csv}" 2>"${dir}/err" | head -1; echo "status \${PIPESTATUS[0]}"; cat "${dir}/err"`], { cwd: ROOT, encoding: 'utf8' });
    const [first, status, ...rest] = r.stdout.split('\n');
    assert.ok(first && first.length > 0);
    assert.match(status!, /^status [01]$/);
    assert.equal(rest.join('').trim(), '', 'nothing on stderr');
  });
});
