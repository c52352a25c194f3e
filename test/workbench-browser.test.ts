/**
 * The web workbench (dist/workbench, served at /) in headless Chromium against the real service on
 * SQLite, with real files: sign-in refused and accepted, an .xlsx / .xls / GBK .csv read in the
 * browser with the CLI's findings, a correction, a push whose bar reaches 100 % with the snapshots
 * stored, the analysis workbook downloaded and opened, the reviewer's board and a close, the sample
 * button, bad input, the Internet Explorer notice. Screenshots go to test-output/workbench/.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { chromium, Browser, Page } from 'playwright-core';
import { openWorkbook } from '../shared/read/workbook-file';
import { readAllSheets } from '../shared/workbook';
import { TestService, testService } from './support/service';
import { createToken, revokeToken } from '../server/tokens';
import { cli } from './support/cli';
import { tmpDir } from './support/xlsx';

const ROOT = path.join(__dirname, '..');
const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
const FORMATS = path.join(__dirname, 'fixtures', 'formats');
const SHOTS = path.join(ROOT, 'test-output', 'workbench');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the web workbench in Chromium, against the service', function () {
  this.timeout(180_000);
  let s: TestService;
  let server: http.Server;
  let url: string;
  let browser: Browser;
  const dir = tmpDir();

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is required in CI`);
      this.skip();
    }
    if (!existsSync(path.join(ROOT, 'dist', 'workbench', 'workbench.js'))) execFileSync(process.execPath, ['--require', 'tsx/cjs', 'scripts/build-addin.ts'], { cwd: ROOT });
    mkdirSync(SHOTS, { recursive: true });
    s = await testService('sqlite', { addinDir: path.join(ROOT, 'dist', 'addin'), corsOrigins: [] });
    server = http.createServer(s.app).listen(0);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });

  after(async () => {
    await browser?.close();
    if (server) await new Promise((r) => server.close(r));
    await s?.close();
  });

  async function benchPage(locale = 'zh-CN', userAgent?: string): Promise<{ page: Page; errors: string[] }> {
    const ctx = await browser.newContext({ locale, acceptDownloads: true, viewport: { width: 1100, height: 900 }, ...(userAgent ? { userAgent } : {}) });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/`);
    return { page, errors };
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const openFile = async (page: Page, file: string) => {
    // The previous file's verdict must not pass for this one's.
    await page.evaluate(() => (document.getElementById('read-msg')!.className = 'message'));
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => {
      const m = document.getElementById('read-msg')!;
      return !m.hidden && /ok|error/.test(m.className);
    });
  };
  const summary = (page: Page) => page.textContent('#findings-summary');
  /** Signs in with a token the service accepts, and waits until it says so. */
  const signIn = async (page: Page, token: string) => {
    await page.waitForSelector('#app:not([hidden])');
    await page.fill('#token', token);
    await page.click('#sign-in-btn');
    await page.waitForSelector('#sign-in-msg.ok');
  };

  it('is served at /, signs in refusing a wrong token and accepting a clerk\'s, in Chinese', async () => {
    const { page, errors } = await benchPage();
    await page.waitForSelector('#app:not([hidden])');
    assert.match(await page.textContent('h1') ?? '', /网页工作台/);
    await page.fill('#token', 'not-a-token');
    await page.click('#sign-in-btn');
    await page.waitForSelector('#sign-in-msg.error');
    assert.match(await page.textContent('#sign-in-msg') ?? '', /令牌被拒绝/);
    await shot(page, '1-sign-in-refused');
    await page.fill('#token', s.tokens.clerkA);
    await page.click('#sign-in-btn');
    await page.waitForSelector('#sign-in-msg.ok');
    assert.match(await page.textContent('#sign-in-msg') ?? '', /已登录：单位 A，经办人员/);
    assert.equal(await page.isHidden('#review-section'), true, 'a clerk sees no board');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a token revoked while signed in: the service’s words (which, whom to ask) and back to sign-in', async () => {
    const made = await createToken(s.db, { unit: 'A', role: 'clerk', label: '将被吊销' });
    const { page, errors } = await benchPage();
    await signIn(page, made.token);
    await revokeToken(s.db, made.id);
    // The month's state is asked again when the month changes (the field shows once a workbook is read).
    await page.evaluate(() => {
      const p = document.getElementById('period') as HTMLInputElement;
      p.value = '2024-07';
      p.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => /被吊销/.test(document.getElementById('sign-in-msg')!.textContent ?? ''));
    assert.match(await page.textContent('#sign-in-msg') ?? '', /^此令牌已于 .* 被吊销，不能再使用：请向本单位负责 ledger-sync 的管理员申请新令牌$/);
    assert.equal(await page.inputValue('#token'), '');
    assert.equal(await page.isHidden('#sign-out-btn'), true);
    assert.equal(await page.evaluate(() => localStorage.getItem('ledger-sync.token')), null);
    await shot(page, '1b-token-revoked');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('reads an .xlsx, an .xls and a GBK .csv in the browser with the CLI\'s findings', async () => {
    const { page, errors } = await benchPage();
    await page.waitForSelector('#app:not([hidden])');
    for (const file of [SAMPLE, path.join(FORMATS, 'sample-2024.xls'), path.join(FORMATS, '合同台账-gbk.csv')]) {
      await openFile(page, file);
      assert.match(await page.textContent('#read-msg') ?? '', new RegExp(`${path.basename(file).replace('.', '\\.')}：\\d+ 张工作表`));
      const j = JSON.parse((await cli('analyze', file, '--json')).out);
      const codes = await page.$$eval('#findings .finding', (els) => els.map((e) => (e as HTMLElement).dataset.code));
      assert.deepEqual(codes, j.findings.map((f: { code: string }) => f.code), path.basename(file));
      // Each finding with a cell names it as sheet!cell.
      const first = j.findings.find((f: { row?: number; column?: string }) => f.row && f.column);
      if (first) assert.match(await page.textContent('#findings') ?? '', new RegExp(`${first.sheet}!${first.column}${first.row} ${first.code}`));
      await shot(page, `2-read-${path.extname(file).slice(1)}`);
    }
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('bad input: the same one line as the CLI', async () => {
    const { page } = await benchPage();
    await page.waitForSelector('#app:not([hidden])');
    const bad = path.join(dir, '坏文件.xlsx');
    require('node:fs').writeFileSync(bad, 'PK\u0003\u0004 this is not a zip');
    await openFile(page, bad);
    const said = await page.textContent('#read-msg');
    const r = await cli('check', bad);
    assert.equal(r.code, 2);
    assert.equal(`ledger-sync: ${said}`, r.err.trim().replace(bad, path.basename(bad)), 'the same words as the CLI (the page names the file, the CLI its path)');
    assert.equal(await page.getAttribute('#read-msg', 'class'), 'message error');
    await shot(page, '3-bad-file');
    await page.context().close();
  });

  it('a correction, the push with its bar at 100 % and the snapshots stored, the analysis workbook downloaded', async () => {
    const { page, errors } = await benchPage();
    await signIn(page, s.tokens.clerkA);
    await openFile(page, SAMPLE);
    const before = await summary(page);
    // A correction: the contract sheet read as no ledger, then as a contract ledger again.
    const sheetName = '合同台账';
    const contracts = page.locator(`select.kind[aria-label="${sheetName}"]`);
    assert.equal(await contracts.inputValue(), 'purchase');
    await contracts.selectOption('');
    await page.waitForFunction((b) => document.getElementById('findings-summary')!.textContent !== b, before);
    await shot(page, '4-corrected');
    await contracts.selectOption('purchase');
    await page.waitForFunction((b) => document.getElementById('findings-summary')!.textContent === b, before);
    // Save the corrections: the .xlsx comes back with them inside, and the CLI reads them.
    await contracts.selectOption('');
    await page.waitForFunction((b) => document.getElementById('findings-summary')!.textContent !== b, before);
    const [saved] = await Promise.all([page.waitForEvent('download'), page.click('#save-corrections')]);
    const savedPath = path.join(dir, 'saved.xlsx');
    await saved.saveAs(savedPath);
    const j = JSON.parse((await cli('check', savedPath, '--json')).out);
    assert.ok(!j.sheets.some((x: { sheet: string }) => x.sheet === sheetName), 'the CLI reads the saved correction');
    await contracts.selectOption('purchase');
    await page.waitForFunction((b) => document.getElementById('findings-summary')!.textContent === b, before);

    await page.fill('#period', '2024-06');
    await page.dispatchEvent('#period', 'change');
    await page.waitForFunction(() => !(document.getElementById('push-btn') as HTMLButtonElement).disabled);
    await page.click('#push-btn');
    await page.waitForSelector('#push-msg.ok', { timeout: 60_000 });
    assert.equal(await page.$eval('#push-progress', (e) => (e as HTMLProgressElement).value), 100);
    assert.match(await page.textContent('#push-msg') ?? '', /推送完成/);
    assert.equal(await s.db.models.Snapshot.count(), 6);
    await page.waitForFunction(() => /本月状态/.test(document.getElementById('month-msg')!.textContent ?? ''));
    await shot(page, '5-pushed');

    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#analysis-btn')]);
    const out = path.join(dir, dl.suggestedFilename());
    await dl.saveAs(out);
    await page.waitForSelector('#analysis-msg.ok');
    const book = await openWorkbook(new Uint8Array(readFileSync(out)), path.basename(out));
    const input = await openWorkbook(new Uint8Array(readFileSync(SAMPLE)), 'sample.xlsx');
    const names = book.sheets.map((x) => x.name);
    for (const x of input.sheets) assert.ok(names.includes(x.name), x.name);
    assert.equal(names.length, input.sheets.length + 9, 'the nine analysis sheets');
    // The input's sheets are untouched, cell for cell.
    const [a, b] = [await readAllSheets(input), await readAllSheets({ sheetNames: async () => input.sheets.map((x) => x.name), readSheet: (n) => book.readSheet(n) })];
    assert.deepEqual(b.map((g) => g.rows), a.map((g) => g.rows));
    const charts = Object.keys((await import('fflate')).unzipSync(new Uint8Array(readFileSync(out)))).filter((n) => /^xl\/charts\/chart\d+\.xml$/.test(n));
    assert.equal(charts.length, 6);
    await shot(page, '6-analysis-downloaded');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it("a reviewer's board of every unit this month, a close with its reason in the workbench's dialog, the audit trail, the all-units report", async () => {
    const { page, errors } = await benchPage();
    await signIn(page, s.tokens.reviewer);
    await page.fill('#board-period', '2024-06');
    await page.dispatchEvent('#board-period', 'change');
    // The board of June, not of the month shown at sign-in (whose answer may come later).
    await page.waitForSelector('#board[data-period="2024-06"] tr[data-unit="A"]');
    const row = page.locator('#board tr[data-unit="A"]');
    assert.match(await row.textContent() ?? '', /甲单位/);
    assert.match(await row.textContent() ?? '', /未结账/);
    await shot(page, '7-board');
    await row.locator('button').click();
    await page.waitForSelector('#reason-dialog[open]');
    await page.click('#reason-ok');
    assert.match(await page.textContent('#reason-msg') ?? '', /请填写原因/);
    await page.fill('#reason', '差异已报批');
    await shot(page, '8-close-reason');
    await page.click('#reason-ok');
    await page.waitForFunction(() => /已结账/.test(document.querySelector('#board tr[data-unit="A"]')?.textContent ?? ''));
    const period = await s.db.models.Period.findOne({ where: { period: '2024-06' } });
    assert.equal(period?.status, 'closed');
    assert.equal(period?.reason, '差异已报批');
    await page.waitForFunction(() => /结账/.test(document.getElementById('audit')!.textContent ?? ''));
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#report-btn')]);
    const out = path.join(dir, dl.suggestedFilename());
    await dl.saveAs(out);
    assert.match(dl.suggestedFilename(), /全部单位-2024-06-汇总\.xlsx/);
    assert.equal((await openWorkbook(new Uint8Array(readFileSync(out)), 'r.xlsx')).sheets.length, 9);
    await shot(page, '9-closed-and-audit');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('the sample button reads, checks and analyses the shipped sample without a token, pushing nothing; English by the browser', async () => {
    const { page, errors } = await benchPage('en-GB');
    await page.waitForSelector('#app:not([hidden])');
    assert.match(await page.textContent('h1') ?? '', /web workbench/);
    const snapshots = await s.db.models.Snapshot.count();
    await page.click('#sample-btn');
    await page.waitForSelector('#read-msg.ok');
    // The same month as `analyze`: validation and reconciliation of the one workbook.
    const { summary: want } = JSON.parse((await cli('analyze', SAMPLE, '--json')).out);
    assert.equal(await summary(page), `${want.error} errors, ${want.warning} warnings, ${want.info} info`);
    assert.ok(want.error > 0 && want.info > 0);
    assert.equal(await page.$eval('#push-btn', (e) => (e as HTMLButtonElement).disabled), true, 'no push without a token');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#analysis-btn')]);
    assert.equal(dl.suggestedFilename(), 'sample-2024-analysis.xlsx');
    assert.equal(await s.db.models.Snapshot.count(), snapshots);
    await shot(page, '10-sample-en');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('keeps the page responsive while a 100,000-row workbook is read and checked, with progress', async () => {
    const big = path.join(dir, 'big.csv');
    const lines = ['合同编号,采购日期,品目名称,数量,单价,金额,采购方式'];
    for (let i = 1; i <= 100_000; i++) lines.push(`HT-${i},2024-03-01,打印机,1,3000,3000,询价`);
    require('node:fs').writeFileSync(big, lines.join('\n'));
    const { page } = await benchPage();
    await page.waitForSelector('#app:not([hidden])');
    // Timer ticks on the main thread while the worker reads: a frozen page would not tick.
    await page.evaluate(() => {
      (window as unknown as { ticks: number[] }).ticks = [];
      setInterval(() => (window as unknown as { ticks: number[] }).ticks.push(performance.now()), 50);
    });
    await page.setInputFiles('#file', big);
    await page.waitForSelector('#read-progress:not([hidden])');
    await page.waitForSelector('#read-msg.ok', { timeout: 120_000 });
    const ticks = await page.evaluate(() => (window as unknown as { ticks: number[] }).ticks);
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
    assert.ok(Math.max(...gaps) < 1000, `longest main-thread stall ${Math.max(...gaps).toFixed(0)} ms`);
    assert.match(await page.textContent('#read-msg') ?? '', /100001 行/);
    await page.context().close();
  });

  it('in Internet Explorer (a Trident user agent) says what to do instead, and runs nothing else', async () => {
    const ie = 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko';
    const { page, errors } = await benchPage('zh-CN', ie);
    await page.waitForSelector('#status.error');
    assert.match(await page.textContent('#status') ?? '', /兼容模式/);
    assert.equal(await page.evaluate(() => typeof (window as unknown as { Worker: unknown }).Worker && document.getElementById('app')!.hidden), true);
    await shot(page, '11-internet-explorer');
    const pane = await page.context().newPage();
    pane.on('pageerror', (e) => errors.push(e.message));
    await pane.goto(`${url}/addin/taskpane.html`);
    await pane.waitForSelector('#status.error');
    const text = await pane.textContent('#status') ?? '';
    assert.match(text, /Internet Explorer/);
    assert.ok(text.includes(`${url}/`), 'names the workbench address');
    await pane.screenshot({ path: path.join(SHOTS, '12-pane-in-internet-explorer.png') });
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});
