/**
 * The workbook reader in a browser: shared/read bundled by esbuild for the browser (a Node API on
 * its path would fail the build), run in headless Chromium on every format fixture, giving the
 * same cells and the same findings as in Node.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { chromium, Browser, Page } from 'playwright-core';
import { readAllSheets } from '../shared/workbook';
import { checkWorkbook } from '../shared/check';
import { readWorkbookFile } from '../cli/read-workbook';
import { plainRows } from './support/grid';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FIXTURES = path.join(__dirname, 'fixtures');
const FILES = ['sample-2024.xlsx', 'formats/sample-2024.xls', 'formats/sample-2024.et', 'formats/sample-2024.ods', 'formats/合同台账-gbk.csv', 'formats/合同台账-bom.csv'];

describe('the workbook reader in a browser (Chromium), as the web workbench runs it', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;
  let bundleBytes = 0;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is required in CI`);
      this.skip();
    }
    const out = await build({
      entryPoints: [path.join(__dirname, '..', 'shared', 'read', 'browser-entry.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      globalName: 'LedgerRead',
      target: 'es2019',
      minify: true,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    bundleBytes = code.length;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage();
    await page.setContent('<!doctype html><meta charset="utf-8"><title>reader</title>');
    await page.addScriptTag({ content: code });
  });

  after(async () => {
    await browser?.close();
  });

  it('bundles without any Node API (the build is for the browser platform)', () => {
    assert.ok(bundleBytes > 0);
    console.log(`      reader + core bundle: ${(bundleBytes / 1024).toFixed(0)} KB minified`);
  });

  for (const rel of FILES) {
    it(`${rel}: the same cells and findings in Chromium as in Node`, async () => {
      const file = path.join(FIXTURES, rel);
      const b64 = readFileSync(file).toString('base64');
      const inPage = await page.evaluate(async ([data, name]) => {
        const L = (window as unknown as { LedgerRead: typeof import('../shared/read/browser-entry') }).LedgerRead;
        const bin = atob(data);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        const book = await L.openWorkbook(bytes, name);
        const grids = await L.readAllSheets(book);
        const checked = L.checkWorkbook(grids, { asOf: '2024-06' });
        return { format: book.format, grids: grids.map((g) => ({ name: g.name, rows: Array.from(g.rows, (r) => (r ? Array.from(r, (c) => (c === undefined ? null : c)) : undefined)) })), findings: checked.findings.map((f) => `${f.code} ${f.sheet}!${f.column ?? ''}${f.row ?? ''}`) };
      }, [b64, path.basename(file)] as const);
      const grids = await readAllSheets(await readWorkbookFile(file, 'zh'));
      assert.deepEqual(inPage.grids.map((g) => plainRows(g)), grids.map((g) => plainRows(g)));
      assert.deepEqual(inPage.findings, checkWorkbook(grids, { asOf: '2024-06' }).findings.map((f) => `${f.code} ${f.sheet}!${f.column ?? ''}${f.row ?? ''}`));
    });
  }

  it('a password-protected file is refused in the page too, with the Chinese line', async () => {
    const msg = await page.evaluate(async () => {
      const L = (window as unknown as { LedgerRead: typeof import('../shared/read/browser-entry') }).LedgerRead;
      const bytes = new Uint8Array(1024);
      bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
      'EncryptionInfo'.split('').forEach((ch, i) => { bytes[512 + 2 * i] = ch.charCodeAt(0); });
      try {
        await L.openWorkbook(bytes, '加密.xlsx');
        return 'opened';
      } catch (e) {
        return e instanceof L.ReadError ? L.readErrorMessage(e, '加密.xlsx', 'zh') : String(e);
      }
    });
    assert.match(msg, /^加密\.xlsx 设有打开密码.*请先在 Excel 中取消密码后再检查/);
  });
});
