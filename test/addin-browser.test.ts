/**
 * The built task pane in headless Chromium (Debian's, driven by playwright-core), with the fake
 * Excel host injected in place of office.js, against a real service on SQLite: connect, find the
 * sample's ledgers, validate, click a finding, push, write the analysis; the service's findings,
 * the month closed and reopened through the pane's own dialog, and the pane at 320 px. Screenshots
 * of each step go to test-output/addin/. Every wait is for the state asserted, never for a time:
 * these run beside other work (issue 18).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, Browser, Page } from 'playwright-core';
import { readAllSheets } from '../shared/workbook';
import { readWorkbookFile } from '../cli/read-workbook';
import { TestService, testService } from './support/service';
import { createToken, revokeToken } from '../server/tokens';
import { rawXlsx } from './support/raw-xlsx';
import { cli } from './support/cli';
import { tmpDir } from './support/xlsx';
import { writeFileSync } from 'node:fs';

async function writeTemp(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(tmpDir(), name);
  writeFileSync(file, bytes);
  return file;
}

const ROOT = path.join(__dirname, '..');
const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
const SHOTS = path.join(ROOT, 'test-output', 'addin');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** tsx compiles functions with esbuild's keepNames, whose `__name` helper the page lacks when a function is sent there as text. */
const NAME_HELPER = 'globalThis.__name = (f) => f;';

/** The desk the pane runs on: a Chinese one, on China's clock (the service's default zone too). */
const DESK = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

/** The month the pane defaults to when the service has none pushed: this one, on the desk's clock. */
function thisMonth(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DESK.timezoneId, year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
}

/** Runs in the page: the fake workbook on the sample, and Office / Excel as the pane expects them. */
function installFake(lib: { FakeExcel: new () => any }, data: { name: string; rows: unknown[][]; merges?: string[] }[], maxMinor: number, file: number[] | null): void {
  const g = window as unknown as Record<string, any>;
  const fake = new lib.FakeExcel();
  for (const sh of data) fake.addSheet(sh.name, sh.rows).merges = sh.merges;
  const settings = new Map<string, unknown>();
  g.__fake = fake;
  g.Excel = { run: fake.run };
  g.Office = {
    HostType: { Excel: 'Excel' },
    onReady: (cb: (i: { host: string }) => void) => Promise.resolve(cb({ host: 'Excel' })),
    context: {
      displayLanguage: 'zh-CN',
      // ExcelApi 1.x up to 1.maxMinor (versions compare by their minor number: 1.13 is after 1.9).
      requirements: { isSetSupported: (_s: string, v: string) => Number(v.split('.')[1] ?? 0) <= maxMinor },
      document: {
        settings: { get: (k: string) => settings.get(k) ?? null, set: (k: string, v: unknown) => settings.set(k, v), saveAsync: () => undefined },
        // The workbook as its file (Common API), in slices as Excel gives it: byte arrays of sliceSize.
        getFileAsync: (_type: string, opts: { sliceSize: number }, cb: (r: unknown) => void) => {
          if (!file) return cb({ status: 'failed', error: { message: 'not supported' } });
          const size = Math.min(opts.sliceSize, 4096);
          const sliceCount = Math.ceil(file.length / size);
          g.__fileSlicesRead = 0;
          cb({
            status: 'succeeded',
            value: {
              size: file.length,
              sliceCount,
              getSliceAsync: (i: number, done: (r: unknown) => void) => {
                g.__fileSlicesRead++;
                setTimeout(() => done({ status: 'succeeded', value: { index: i, size, data: file.slice(i * size, (i + 1) * size) } }), 0);
              },
              closeAsync: (done?: () => void) => done?.(),
            },
          });
        },
      },
    },
    FileType: { Compressed: 'compressed' },
    AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
  };
}

describe('the task pane in Chromium, on a fake Excel host, against the service', function () {
  this.timeout(180_000);
  let s: TestService;
  let server: http.Server;
  let url: string;
  let browser: Browser;
  let page: Page;
  let fakeLib: string;
  let sheets: { name: string; rows: unknown[][] }[];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      // CI installs Debian's chromium (.ci/run); there a missing browser is a failure, not a skip.
      if (process.env.CI) throw new Error(`${CHROMIUM} is required in CI`);
      this.skip();
    }
    if (!existsSync(path.join(ROOT, 'dist', 'addin', 'taskpane.js'))) execFileSync(process.execPath, ['--require', 'tsx/cjs', 'scripts/build-addin.ts'], { cwd: ROOT });
    mkdirSync(SHOTS, { recursive: true });
    const lib = await build({ entryPoints: [path.join(__dirname, 'support', 'fake-excel.ts')], bundle: true, write: false, format: 'iife', globalName: 'FakeExcelLib', platform: 'browser', target: 'es2020' });
    fakeLib = lib.outputFiles[0]!.text;
    sheets = (await readAllSheets(await readWorkbookFile(SAMPLE, 'zh'))).map((g) => ({
      name: g.name,
      rows: g.rows.map((r) => (r ?? []).map((c) => (c === null ? '' : typeof c === 'object' ? (c.kind === 'date' ? c.serial : c.text) : c))),
    }));
    s = await testService('sqlite', { addinDir: path.join(ROOT, 'dist', 'addin'), corsOrigins: [] });
    server = http.createServer(s.app).listen(0);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await panePage();
  });

  after(async () => {
    await browser?.close();
    // Skipped without a browser: then no server was started either.
    if (server) await new Promise((r) => server.close(r));
    await s?.close();
  });

  /** The pane connected with `token` (its answer shown), on a page made by panePage. */
  async function connectedPane(token: string, p: Page): Promise<Page> {
    await p.goto(`${url}/addin/taskpane.html`);
    await p.waitForSelector('#app:not([hidden])');
    await p.fill('#token', token);
    await p.click('#connect-btn');
    await p.waitForSelector('#connect-msg.ok');
    return p;
  }

  /** A page with the fake host in place of office.js: Office and Excel as the pane expects them. */
  async function panePage(data = sheets, maxMinor = 9, withoutBigInt = false, file: Uint8Array | null = null, width = 360): Promise<Page> {
    const p = await browser.newPage({ viewport: { width, height: 900 }, ...DESK });
    // EdgeHTML 18 (Office 2019's add-in host) has no BigInt and no TextDecoder: gone before any script of the page runs.
    if (withoutBigInt) await p.addInitScript({ content: 'delete window.BigInt; delete window.TextDecoder;' });
    await p.route('**/addin/office/office.js', (r) => r.fulfill({ contentType: 'text/javascript', body: '/* the fake host stands in for office.js */' }));
    // One script (no eval: the service's CSP forbids it): the fake's code, then the host set up on the sample.
    await p.addInitScript({ content: `${NAME_HELPER}\n${fakeLib}\n;(${installFake.toString()})(FakeExcelLib, ${JSON.stringify(data)}, ${maxMinor}, ${file ? JSON.stringify([...file]) : 'null'});` });
    p.on('pageerror', (e) => console.error('      page error:', e.message));
    return p;
  }

  /** A clerk opens the pane, connects, sets June and reads the workbook. */
  async function connectAndScan(p: Page): Promise<void> {
    await p.goto(`${url}/addin/taskpane.html`);
    await p.waitForSelector('#app:not([hidden])');
    await p.fill('#token', s.tokens.clerkA);
    await p.click('#connect-btn');
    await p.waitForSelector('#connect-msg.ok');
    await p.fill('#period', '2024-06');
    await p.click('#scan-btn');
  }

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const fake = <T>(fn: string) => page.evaluate(`(${fn})(window.__fake)`) as Promise<T>;

  it('shows a grouped header block with its unit and footer, a sheet not read (V10), and reads it once corrected', async () => {
    // An Excel with ExcelApi 1.13 (merged ranges): an asset register under a two-row header in 万元, and
    // a register whose id column is called 卡片号码, which no synonym names.
    const form = [
      { name: '固定资产台账', merges: ['C2:D2', 'A2:A3', 'B2:B3', 'E2:E3'], rows: [['单位：万元'], ['资产编号', '资产名称', '价值', '', '取得日期'], ['', '', '原值', '累计折旧', ''], ['ZC-1', '台式计算机', 0.5, 0.1, '2024-03-05'], ['制表人：张三']] },
      { name: '资产卡片', rows: [['卡片号码', '资产名称', '原值', '取得日期'], ['ZC-9', '打印机', 3000, '2024-04-01']] },
    ];
    const p = await panePage(form, 13);
    try {
      await connectAndScan(p);
      await p.waitForSelector('#ledger-list li');
      const grouped = p.locator('#ledger-list li').nth(0).locator('.detail');
      assert.match(await grouped.textContent() ?? '', /表头第 2–3 行（分组表头），1 行数据，金额单位：万元，表尾自第 5 行起/);
      const unread = p.locator('#ledger-list li').nth(1).locator('.detail.unread');
      assert.match(await unread.textContent() ?? '', /看起来是固定资产台账，但未能读取：缺少关键列“资产编号”.*最接近的未识别表头：“卡片号码”/);
      assert.match(await p.textContent('#findings-summary') ?? '', /^1 个错误/);
      await p.screenshot({ path: path.join(SHOTS, 'form-1-grouped-and-unread.png'), fullPage: true });
      // The clerk says what the sheet is and which column holds the id: it is read, the error gone.
      await p.locator('#ledger-list li').nth(1).locator('select.kind').selectOption('asset');
      await p.locator('#ledger-list li').nth(1).locator('details.columns summary').click();
      await p.locator('#ledger-list li').nth(1).locator('select[data-field="asset_id"]').selectOption('A');
      await p.waitForFunction(() => /^0 个错误/.test(document.querySelector('#findings-summary')?.textContent ?? ''));
      assert.match(await p.locator('#ledger-list li').nth(1).locator('.detail').textContent() ?? '', /表头第 1 行，1 行数据/);
      await p.screenshot({ path: path.join(SHOTS, 'form-2-corrected.png'), fullPage: true });
    } finally {
      await p.close();
    }
  });

  it('on Excel 2016/2019 (no ExcelApi 1.13, no TextDecoder) reads the merged ranges from the workbook’s own file, as the CLI does', async () => {
    const rows = [['单位：万元'], ['资产编号', '资产名称', '价值', null, '取得日期'], [null, null, '原值', '累计折旧', null], ['ZC-1', '台式计算机', 0.5, 0.1, '2024-03-05'], ['制表人：张三']];
    const merges = ['C2:D2', 'A2:A3', 'B2:B3', 'E2:E3'];
    const bytes = rawXlsx([{ name: '固定资产台账', rows, after: `<mergeCells count="4">${merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>` }], { strings: 'shared' });
    const cliSays = JSON.parse((await cli('check', await writeTemp('merged.xlsx', bytes), '--json', '--as-of', '2024-06')).out);
    const p = await panePage([{ name: '固定资产台账', rows: rows.map((r) => r.map((c) => c ?? '')) }], 8, true, bytes);
    try {
      await connectAndScan(p);
      await p.waitForSelector('#ledger-list li .detail');
      assert.match(await p.locator('#ledger-list li').nth(0).locator('.detail').textContent() ?? '', /表头第 2–3 行（分组表头），1 行数据，金额单位：万元，表尾自第 5 行起/);
      assert.ok(((await p.evaluate('window.__fileSlicesRead')) as number) >= 1, 'the file was read in slices');
      const summary = await p.textContent('#findings-summary') ?? '';
      assert.match(summary, new RegExp(`^${cliSays.summary.error} 个错误`));
      await p.screenshot({ path: path.join(SHOTS, 'form-3-excel-2019-merges-from-file.png'), fullPage: true });
    } finally {
      await p.close();
    }
  });

  it('a token revoked while connected: the service’s words (which, whom to ask) where one connects, and the token gone', async () => {
    const made = await createToken(s.db, { unit: 'A', role: 'clerk', label: '将被吊销' });
    const p = await panePage();
    try {
      await connectedPane(made.token, p);
      await revokeToken(s.db, made.id);
      await p.fill('#period', '2024-07');
      await p.dispatchEvent('#period', 'change');
      await p.waitForFunction(() => /被吊销/.test(document.getElementById('connect-msg')!.textContent ?? ''));
      assert.match(await p.textContent('#connect-msg') ?? '', /^此令牌已于 .* 被吊销，不能再使用：请向本单位负责 ledger-sync 的管理员申请新令牌$/);
      assert.equal(await p.inputValue('#token'), '');
      assert.equal(await p.evaluate(() => localStorage.getItem('ledger-sync.token')), null);
      // Back to the first step: what needs the service is disabled again, saying why.
      assert.equal(await p.isDisabled('#push-btn'), true);
      assert.equal(await p.isDisabled('#analysis-btn'), true);
      assert.match(await p.textContent('#push-why') ?? '', /^请先连接服务器。/);
      assert.equal(await p.textContent('#analysis-why'), '请先连接服务器。');
      await p.screenshot({ path: path.join(SHOTS, '0-token-revoked.png'), fullPage: true });
    } finally {
      await p.close();
    }
  });

  it('walks a clerk through connect, ledgers, validate, push and analysis', async () => {
    await page.goto(`${url}/addin/taskpane.html`);
    await page.waitForSelector('#app:not([hidden])');
    assert.equal(await page.inputValue('#server'), url);
    // Before connecting: push and analysis disabled, the reason beside each; marking needs the ledgers read.
    assert.deepEqual(await Promise.all(['#push-btn', '#analysis-btn', '#mark-btn'].map((b) => page.isDisabled(b))), [true, true, true]);
    assert.equal(await page.textContent('#push-why'), '请先连接服务器。请先读取工作簿。');
    assert.equal(await page.textContent('#analysis-why'), '请先连接服务器。');
    assert.equal(await page.textContent('#mark-why'), '请先读取工作簿。');
    assert.equal(await page.inputValue('#period'), '');
    await shot('0-open');

    await page.fill('#token', 'lsk_wrong');
    await page.click('#connect-btn');
    await page.waitForSelector('#connect-msg.error');
    assert.match(await page.textContent('#connect-msg') ?? '', /令牌被拒绝/);
    await page.fill('#token', s.tokens.clerkA);
    await page.click('#connect-btn');
    await page.waitForSelector('#connect-msg.ok');
    assert.match(await page.textContent('#connect-msg') ?? '', /已连接：单位 A，角色 经办人员/);
    // The reviewer's unit box and close button are not a clerk's (hidden, and so not shown).
    assert.equal(await page.isVisible('#unit-row'), false);
    assert.equal(await page.isVisible('#close-month'), false);
    // Connected: analysis can be written; pushing still waits for the ledgers read.
    assert.equal(await page.isDisabled('#analysis-btn'), false);
    assert.equal(await page.isHidden('#analysis-why'), true);
    assert.equal(await page.isDisabled('#push-btn'), true);
    assert.equal(await page.textContent('#push-why'), '请先读取工作簿。');
    // Nothing pushed by A yet: the period starts at this month.
    assert.equal(await page.inputValue('#period'), thisMonth());
    await shot('1-connected');

    await page.fill('#period', '2024-06');
    // The service's findings of June: none before the push.
    await page.waitForSelector('#server-box[data-shown="2024-06"]');
    assert.equal(await page.textContent('#server-summary'), '没有发现问题。');
    assert.equal(await page.locator('#server-findings .finding').count(), 0);
    await page.click('#scan-btn');
    await page.waitForSelector('#ledger-list li');
    assert.equal(await page.isDisabled('#push-btn'), false);
    assert.equal(await page.isHidden('#push-why'), true);
    assert.equal(await page.locator('#ledger-list li').count(), 7);
    assert.equal(await page.locator('#ledger-list select.kind').nth(2).inputValue(), 'purchase'); // 合同台账
    // Validation (V and I codes) as `ledger-sync check` gives it; reconciliation is the service's, after the push.
    assert.match(await page.textContent('#findings-summary') ?? '', /^2 个错误，1 个警告，2 条提示$/);
    await shot('2-ledgers-and-findings');

    // A column correction: 采购方式 unmapped → the sheet lacks a required column (V00); mapped back → as before.
    const contracts = page.locator('#ledger-list li').nth(2);
    await contracts.locator('details.columns summary').click();
    const method = contracts.locator('select[data-field="method"]');
    assert.equal(await method.inputValue(), 'L');
    await method.selectOption('');
    await page.waitForFunction(() => /V00/.test(document.getElementById('findings')!.textContent ?? ''));
    // The sheet's rows are not validated without a required column: its V03 and V05 give way to the V00.
    assert.match(await page.textContent('#findings') ?? '', /V00 缺少必填列“采购方式”/);
    assert.match(await page.textContent('#findings-summary') ?? '', /^1 个错误/);
    await shot('2b-column-corrected');
    await page.locator('#ledger-list li').nth(2).locator('details.columns summary').click();
    await page.locator('#ledger-list li').nth(2).locator('select[data-field="method"]').selectOption('L');
    await page.waitForFunction(() => /^2 个错误/.test(document.getElementById('findings-summary')!.textContent ?? ''));
    // The header row, as the pane shows it and as a correction: 采购计划's header is in row 3.
    await page.locator('#ledger-list li').nth(1).locator('details.columns summary').click();
    assert.equal(await page.locator('#ledger-list li').nth(1).locator('select.header-row').inputValue(), '3');
    const saved = await page.evaluate('Object.keys(window.Office.context.document.settings.get("ledger-sync.columns") ?? {})');
    assert.deepEqual(saved, ['合同台账'], 'the column choice is kept in the workbook’s settings');

    // The clerk corrects the date in Excel and validates again: the V03 of C17 goes; back as it was, it returns.
    const c17 = () => page.locator('#findings .finding', { hasText: '合同台账!C17 V03' }).count();
    assert.equal(await c17(), 1);
    await fake('(f) => { f.sheet("合同台账").cells[16][2] = "2024-02-28"; }');
    await page.click('#revalidate-btn');
    await page.waitForFunction(() => /^1 个错误/.test(document.getElementById('findings-summary')!.textContent ?? ''));
    assert.equal(await c17(), 0);
    await shot('3a-revalidated');
    await fake('(f) => { f.sheet("合同台账").cells[16][2] = "2024-02-30"; }');
    await page.click('#revalidate-btn');
    await page.waitForFunction(() => /^2 个错误/.test(document.getElementById('findings-summary')!.textContent ?? ''));
    assert.equal(await c17(), 1);

    const first = page.locator('button.finding.error').first();
    const label = (await first.textContent()) ?? '';
    await first.click();
    await page.waitForFunction(() => (window as unknown as { __fake: { selection: unknown } }).__fake.selection !== null);
    const sel = await fake<{ sheet: string; address: string }>('(f) => f.selection');
    assert.ok(label.startsWith(`${sel.sheet}!${sel.address.split(':')[0]!} `), `${label} → ${sel.sheet}!${sel.address}`);
    await page.click('#mark-btn');
    await page.waitForSelector('#mark-msg.ok');
    assert.ok((await fake<number>('(f) => f.sheets.reduce((n, s) => n + s.cfs.length, 0)')) > 0);
    assert.match(await fake<string>('(f) => f.sheet("合同台账").validations.get("C17:C17").prompt.message'), /^V03 “采购日期”无法识别为日期/);
    await shot('3-validated-and-marked');

    await page.click('#push-btn');
    await page.waitForFunction(() => (document.getElementById('progress') as HTMLProgressElement).value === 100 && !document.getElementById('push-msg')!.hidden);
    const pushed = (await page.textContent('#push-msg')) ?? '';
    assert.match(pushed, /采购执行：快照 \d+ · 2 个错误/);
    assert.equal(await s.db.models.Snapshot.count(), 6);
    await page.waitForSelector('#month-msg:not([hidden])');
    assert.match(await page.textContent('#month-msg') ?? '', /本月状态：未结账/);
    // A month with error-level findings is said as an error, not in the "all is well" green.
    await page.waitForFunction(() => /[1-9]\d* 个错误/.test(document.getElementById('month-msg')!.textContent ?? ''));
    assert.equal(await page.getAttribute('#month-msg', 'class'), 'message error');
    // The push refreshed the service's findings too: its reconciliation (P, A, B codes) listed, each `sheet!cell code message`.
    await page.waitForFunction(() => document.querySelectorAll('#server-findings .finding').length > 0);
    const listed = await page.locator('#server-findings .finding').allTextContents();
    assert.ok(listed.every((t) => /^\S+![A-Z]+\d+ [A-Z]\d\d \S/.test(t)), listed.join('\n'));
    assert.ok(listed.some((t) => /^\S+ [PAB]\d\d /.test(t)), 'reconciliation findings are listed');
    assert.match(await page.textContent('#server-summary') ?? '', /^[1-9]\d* 个错误/);
    await shot('4-pushed');

    await page.click('#analysis-btn');
    await page.waitForSelector('#analysis-msg.ok');
    assert.match(await page.textContent('#analysis-msg') ?? '', /已写入 10 张表（分析与本月变动）/);
    assert.equal(await fake<string>('(f) => f.sheet("本月变动").cells[3][0]'), '台账');
    const written = await fake<{ name: string; tables: number; charts: number; seriesBy: string[] }[]>(
      '(f) => f.sheets.map((s) => ({ name: s.name, tables: s.tables.length, charts: s.charts.length, seriesBy: s.charts.map((c) => c.seriesBy) }))',
    );
    const analysisSheets = written.filter((w) => ['执行总览', '月度执行', '采购方式', '计划明细', '异常清单', '资产追溯', '部门对比', '支出执行', '预算建议'].includes(w.name));
    assert.equal(analysisSheets.length, 9);
    assert.ok(analysisSheets.every((w) => w.tables === 1));
    assert.equal(analysisSheets.reduce((n, w) => n + w.charts, 0), 6);
    assert.ok(analysisSheets.flatMap((w) => w.seriesBy).every((b) => b === 'Columns'));
    await shot('5-analysis-written');
  });

  it('runs as on EdgeHTML 18, with no BigInt in the page: reads, validates and pushes with the same content hashes', async () => {
    const p = await panePage(sheets, 7, true);
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    try {
      await p.goto(`${url}/addin/taskpane.html`);
      await p.waitForSelector('#app:not([hidden])');
      assert.equal(await p.evaluate('typeof window.BigInt'), 'undefined');
      await p.fill('#token', s.tokens.clerkB);
      await p.click('#connect-btn');
      await p.waitForSelector('#connect-msg.ok');
      await p.fill('#period', '2024-06');
      await p.click('#scan-btn');
      await p.waitForSelector('#ledger-list li');
      assert.match(await p.textContent('#findings-summary') ?? '', /^2 个错误，1 个警告，2 条提示$/);
      await p.click('#push-btn');
      await p.waitForFunction(() => (document.getElementById('progress') as HTMLProgressElement).value === 100 && !document.getElementById('push-msg')!.hidden);
      assert.match(await p.textContent('#push-msg') ?? '', /采购执行：快照 \d+/);
      // The same rows hash the same without BigInt: B's snapshots carry A's content hashes (pushed above with BigInt).
      const hashes = async (code: string) => {
        const unit = await s.db.models.Unit.findOne({ where: { code } });
        const rows = await s.db.models.Snapshot.findAll({ where: { unit_id: unit!.id }, order: [['kind', 'ASC']] });
        return rows.map((r) => `${r.kind}:${r.content_hash}`);
      };
      const b = await hashes('B');
      assert.equal(b.length, 6);
      assert.deepEqual(b, await hashes('A'));
      assert.deepEqual(errors, []);
      await p.screenshot({ path: path.join(SHOTS, '6-no-bigint-pushed.png'), fullPage: true });
    } finally {
      await p.close();
    }
  });

  it('lists the service’s findings for the last month pushed, each going to its cell, and fits 320 px', async () => {
    const p = await panePage(sheets, 9, false, null, 320);
    try {
      await connectedPane(s.tokens.clerkA, p);
      // The period left empty: A's last month with ledgers (June, pushed above).
      assert.equal(await p.inputValue('#period'), '2024-06');
      await p.waitForSelector('#server-box[data-shown="2024-06"] .finding');
      assert.equal(await p.textContent('#server-box h3'), '服务器核对结果');
      // A reconciliation finding exists only on the service: a click selects its cell in Excel.
      const item = p.locator('#server-findings .finding', { hasText: /^\S+ P\d\d / }).first();
      const text = (await item.textContent()) ?? '';
      await item.click();
      await p.waitForFunction(() => (window as unknown as { __fake: { selection: unknown } }).__fake.selection !== null);
      const sel = (await p.evaluate('window.__fake.selection')) as { sheet: string; address: string };
      assert.ok(text.startsWith(`${sel.sheet}!${sel.address.split(':')[0]!} `), `${text} → ${sel.sheet}!${sel.address}`);
      await p.click('#scan-btn');
      await p.waitForFunction(() => /^2 个错误/.test(document.getElementById('findings-summary')!.textContent ?? ''));
      // 320 px: nothing wider than the pane; the buttons and the findings' long texts wrap.
      assert.ok((await p.evaluate('document.documentElement.scrollWidth')) as number <= 320);
      const rows = await p.evaluate(() => Array.from(document.querySelectorAll('button, .finding, .message')).filter((e) => (e as HTMLElement).offsetParent).map((e) => e.getBoundingClientRect().right));
      assert.ok(rows.every((r) => r <= 320), `right edges ${Math.max(...rows)}`);
      await p.screenshot({ path: path.join(SHOTS, '8-narrow-320.png'), fullPage: true });
      // A finding on a sheet this workbook no longer has (renamed, or another copy of the book): said, not an Excel error.
      await p.evaluate('window.__fake.sheets = window.__fake.sheets.filter((x) => x.name !== "支出明细")');
      await p.locator('#server-findings .finding', { hasText: /^支出明细!/ }).first().click();
      await p.waitForSelector('#server-msg:not([hidden])');
      assert.equal(await p.textContent('#server-msg'), '当前工作簿中没有工作表“支出明细”，无法定位。');
    } finally {
      await p.close();
    }
  });

  it('says the service’s refusal in the pane’s language: a push into a month a reviewer closed', async () => {
    const closed = await fetch(`${url}/api/v1/periods/2024-03/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.tokens.reviewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ unit: 'A', override: '三月已报批' }),
    });
    assert.equal(closed.status, 200, await closed.text());
    const p = await panePage();
    try {
      await connectedPane(s.tokens.clerkA, p);
      await p.fill('#period', '2024-03');
      await p.waitForSelector('#server-box[data-shown="2024-03"]');
      await p.click('#scan-btn');
      await p.waitForSelector('#ledger-list li');
      await p.click('#push-btn');
      await p.waitForSelector('#push-msg.error');
      const said = (await p.textContent('#push-msg')) ?? '';
      assert.match(said, /2024-03 已由 REVIEW 复核人员 于 \d{4}-\d\d-\d\d \d\d:\d\d 结账，本次未保存任何内容；如需修改，请复核人员重新打开该月/);
      assert.doesNotMatch(said.replace(/REVIEW/g, ''), /[A-Za-z]{3,}/, said);
      await p.screenshot({ path: path.join(SHOTS, '9-push-into-closed-month.png'), fullPage: true });
    } finally {
      await p.close();
    }
  });

  it('drops a late answer for a month no longer shown', async () => {
    const p = await panePage();
    try {
      await connectedPane(s.tokens.clerkA, p);
      await p.waitForSelector('#server-box[data-shown="2024-06"] .finding');
      // June's findings held back until May has been shown.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await p.route(/\/api\/v1\/findings\?.*period=2024-06/, async (r) => {
        await held;
        await r.continue();
      });
      await p.fill('#period', '2024-07');
      await p.waitForSelector('#server-box[data-shown="2024-07"]');
      const juneAsked = p.waitForEvent('request', (r) => /findings\?.*period=2024-06/.test(r.url()));
      await p.fill('#period', '2024-06');
      await juneAsked;
      await p.fill('#period', '2024-05');
      await p.waitForSelector('#server-box[data-shown="2024-05"]');
      // From here on, every list the pane shows is recorded: June's late answer must not be one.
      await p.evaluate(() => {
        const box = document.getElementById('server-box')!;
        const seen: string[] = ((window as unknown as { __shown: string[] }).__shown = []);
        new MutationObserver(() => seen.push(box.dataset.shown ?? '')).observe(box, { attributes: true, attributeFilter: ['data-shown'] });
      });
      const juneDone = p.waitForEvent('requestfinished', (r) => /findings\?.*period=2024-06/.test(r.url()));
      release();
      await juneDone;
      // A request made after June's answer came: its list is shown after June's would have been.
      await p.fill('#period', '2024-04');
      await p.waitForSelector('#server-box[data-shown="2024-04"]');
      assert.deepEqual(await p.evaluate('window.__shown'), ['2024-04']);
      assert.equal(await p.inputValue('#period'), '2024-04');
    } finally {
      await p.close();
    }
  });

  it('gives a reviewer the unit picker, the month’s state, close and reopen with reasons in the pane’s dialog, and the analysis of all units', async () => {
    const r = await panePage(sheets, 9, false, null, 320);
    try {
      await r.goto(`${url}/addin/taskpane.html`);
      await r.fill('#token', s.tokens.reviewer);
      await r.click('#connect-btn');
      await r.waitForSelector('#unit-row:not([hidden])');
      // The units arrive after the row is shown: wait for them, never for a fixed time (a busy machine is slower).
      await r.waitForFunction(() => document.querySelectorAll('#unit option').length >= 5);
      assert.deepEqual(await r.locator('#unit option').allTextContents(), ['全部单位', 'A 甲单位', 'ADMIN', 'B 乙单位', 'REVIEW']);
      await r.waitForSelector('#connect-msg.ok');
      // The reviewer's own unit pushed nothing: the period starts at this month.
      assert.equal(await r.inputValue('#period'), thisMonth());
      // While the month's state is on its way, close waits for it (it would act on the month shown before).
      let release!: () => void;
      const held = new Promise<void>((res) => (release = res));
      await r.route(/\/api\/v1\/periods\/2024-06\?unit=A$/, async (route) => {
        await held;
        await route.continue();
      });
      await r.fill('#period', '2024-06');
      await r.selectOption('#unit', 'A');
      await r.waitForFunction(() => (document.getElementById('close-month') as HTMLButtonElement).disabled);
      release();
      await r.waitForFunction(() => /未结账/.test(document.getElementById('month-msg')!.textContent ?? ''));
      assert.equal(await r.isDisabled('#close-month'), false);
      await r.unroute(/\/api\/v1\/periods\/2024-06\?unit=A$/);
      await r.waitForSelector('#server-box[data-shown="2024-06 A"] .finding');
      assert.equal(await r.textContent('#close-month'), '结账');

      // A has error-level findings: the service refuses the close, and the pane's dialog asks why.
      await r.click('#close-month');
      await r.waitForSelector('#reason-overlay:not([hidden])');
      assert.equal(await r.textContent('#reason-label'), '本月仍有错误。如确需结账，请填写原因：');
      assert.equal(await r.evaluate(() => document.activeElement?.id), 'reason');
      // An empty reason is refused in the dialog, which stays.
      await r.click('#reason-ok');
      await r.waitForSelector('#reason-msg:not([hidden])');
      assert.equal(await r.textContent('#reason-msg'), '请填写原因。');
      assert.equal(await r.isVisible('#reason-overlay'), true);
      await r.screenshot({ path: path.join(SHOTS, '7a-reviewer-reason-refused.png') }); // the viewport: what the reviewer sees over the page
      // Tab stays within the dialog; Escape cancels, even after a click on the backdrop: nothing sent, the month still open.
      assert.equal(await r.evaluate(() => document.activeElement?.id), 'reason');
      await r.keyboard.press('Tab');
      assert.equal(await r.evaluate(() => document.activeElement?.id), 'reason-cancel');
      await r.keyboard.press('Shift+Tab');
      await r.keyboard.press('Shift+Tab');
      assert.equal(await r.evaluate(() => document.activeElement?.id), 'reason-ok');
      // Escape while an input method composes Chinese belongs to the composition: the dialog stays.
      await r.evaluate(() => document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', isComposing: true, bubbles: true })));
      assert.equal(await r.isVisible('#reason-overlay'), true);
      await r.mouse.click(5, 890);
      await r.keyboard.press('Escape');
      await r.waitForSelector('#reason-overlay', { state: 'hidden' });
      assert.equal(await s.db.models.Period.count({ where: { period: '2024-06', status: 'closed' } }), 0);

      await r.click('#close-month');
      await r.waitForSelector('#reason-overlay:not([hidden])');
      assert.equal(await r.inputValue('#reason'), '', 'a new question starts empty');
      await r.fill('#reason', '差异已在说明中解释');
      await r.click('#reason-ok');
      await r.waitForFunction(() => /已结账（REVIEW 复核人员，/.test(document.getElementById('month-msg')!.textContent ?? ''));
      assert.equal(await r.isHidden('#reason-overlay'), true);
      const closed = await s.db.models.Period.findOne({ where: { period: '2024-06' } });
      assert.deepEqual([closed!.status, closed!.reason], ['closed', '差异已在说明中解释']);
      assert.equal(await r.textContent('#close-msg'), 'A 2024-06 已结账');
      // Closed: the same button reopens, and a reopen always asks why.
      await r.waitForFunction(() => document.getElementById('close-month')!.textContent === '重新打开');
      await r.screenshot({ path: path.join(SHOTS, '7-reviewer-closed.png'), fullPage: true });
      await r.click('#close-month');
      await r.waitForSelector('#reason-overlay:not([hidden])');
      assert.equal(await r.textContent('#reason-label'), '重新打开的原因（必填，记入审计记录）');
      await r.click('#reason-ok');
      await r.waitForSelector('#reason-msg:not([hidden])');
      await r.fill('#reason', '补录六月合同');
      await r.screenshot({ path: path.join(SHOTS, '7b-reviewer-reopen-reason.png') }); // the viewport: what the reviewer sees over the page
      await r.click('#reason-ok');
      await r.waitForFunction(() => /本月状态：未结账/.test(document.getElementById('month-msg')!.textContent ?? ''));
      const reopened = await s.db.models.Period.findOne({ where: { period: '2024-06' } });
      assert.deepEqual([reopened!.status, reopened!.reason], ['open', '补录六月合同']);
      assert.equal(await r.textContent('#close-month'), '结账');
      assert.equal(await r.textContent('#close-msg'), 'A 2024-06 已重新打开');
      assert.ok((await r.evaluate('document.documentElement.scrollWidth')) as number <= 320);
      await r.screenshot({ path: path.join(SHOTS, '7c-reviewer-reopened.png'), fullPage: true });

      await r.selectOption('#unit', '');
      await r.click('#analysis-btn');
      await r.waitForSelector('#analysis-msg.ok');
      const header = await r.evaluate('window.__fake.sheet("部门对比").cells[3][0]');
      assert.equal(header, '单位');
    } finally {
      await r.close();
    }
  });

  it('says plainly that it needs Excel when opened in a plain browser', async () => {
    const plain = await browser.newPage();
    await plain.route('**/addin/office/office.js', (r) => r.fulfill({ contentType: 'text/javascript', body: '' }));
    await plain.goto(`${url}/addin/taskpane.html`);
    await plain.waitForFunction(() => /请在 Excel 中打开|Open this add-in in Excel/.test(document.getElementById('status')!.textContent ?? ''));
    await plain.screenshot({ path: path.join(SHOTS, '6-outside-excel.png') });
    await plain.close();
  });

  it('says what to upgrade when ExcelApi 1.7 is missing', async () => {
    const old = await browser.newPage();
    old.on('pageerror', (e) => console.error('      page error:', e.message));
    await old.addInitScript({ content: NAME_HELPER });
    await old.route('**/addin/office/office.js', (r) => r.fulfill({ contentType: 'text/javascript', body: '' }));
    await old.addInitScript(() => {
      const g = window as unknown as Record<string, unknown>;
      g.Excel = { run: () => Promise.reject(new Error('no')) };
      g.Office = { HostType: { Excel: 'Excel' }, onReady: (cb: (i: { host: string }) => void) => Promise.resolve(cb({ host: 'Excel' })), context: { displayLanguage: 'en-US', requirements: { isSetSupported: () => false }, document: { settings: { get: () => null } } } };
    });
    await old.goto(`${url}/addin/taskpane.html`);
    await old.waitForFunction(() => /ExcelApi 1\.7/.test(document.getElementById('status')!.textContent ?? ''));
    assert.match((await old.textContent('#status')) ?? '', /Upgrade to Microsoft 365/);
    await old.close();
  });
});

