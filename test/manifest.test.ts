import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { checkManifest, manifestForOrigin } from '../cli/manifest-check';
import { cli } from './support/cli';
import { tmpDir } from './support/xlsx';
import { ADDIN_ID } from '../shared/write/pane-settings';

const ROOT = path.join(__dirname, '..');
const XML = readFileSync(path.join(ROOT, 'manifest.xml'), 'utf8');
const ASSETS = path.join(ROOT, 'addin', 'assets');
const run = promisify(execFile);

describe('the add-in manifest', () => {
  it('has the id under which settings are written into workbooks (shared/write/pane-settings.ts)', () => {
    const id = /<Id>([^<]+)<\/Id>/.exec(readFileSync(path.join(__dirname, '..', 'manifest.xml'), 'utf8'))![1]!;
    assert.equal(id.toLowerCase(), ADDIN_ID);
  });

  it('passes the offline checks: TaskPaneApp, Workbook, ReadWriteDocument, a Home-tab button, one HTTPS origin, icons present', () => {
    assert.deepEqual(checkManifest(XML, ASSETS), []);
  });

  const broken: [string, (x: string) => string, RegExp][] = [
    ['plain HTTP', (x) => x.replace('<SourceLocation DefaultValue="https://', '<SourceLocation DefaultValue="http://'), /SourceLocation> must be HTTPS/],
    ['a URL on another origin', (x) => x.replace('https://localhost:3000/addin/assets/icon-16.png', 'https://cdn.example.com/icon-16.png'), /on https:\/\/cdn\.example\.com, not the service's origin/],
    ['no Permissions', (x) => x.replace('<Permissions>ReadWriteDocument</Permissions>', ''), /missing <Permissions>/],
    ['read-only permission', (x) => x.replace('<Permissions>ReadWriteDocument</Permissions>', '<Permissions>ReadDocument</Permissions>'), /must be ReadWriteDocument/],
    ['an undefined resid', (x) => x.replace('<Label resid="Button.Label"/>', '<Label resid="Button.Nope"/>'), /resid "Button.Nope"/],
    ['elements out of order', (x) => x.replace('<ProviderName>ledger-sync</ProviderName>', '').replace('</Description>', '</Description>\n  <ProviderName>ledger-sync</ProviderName>'), /out of the schema's order/],
    ['a bad Id', (x) => x.replace('6f1c9a8e-3d1b-4c5e-9a47-2b8d0f6e1c53', 'ledger-sync'), /<Id> must be a GUID/],
    ['a missing icon file', (x) => x.replace(/icon-80\.png/g, 'icon-81.png'), /no file icon-81\.png/],
    ['no Home-tab button', (x) => x.replace('id="TabHome"', 'id="TabData"'), /Home tab/],
    ['not XML', () => '<OfficeApp><Id>', /not well-formed XML/],
  ];
  for (const [what, edit, want] of broken) {
    it(`refuses ${what}`, () => {
      const problems = checkManifest(edit(XML), ASSETS);
      assert.ok(problems.some((p) => want.test(p)), problems.join('\n'));
    });
  }

  it('is written for a production origin by `ledger-sync manifest`, and that copy passes too', async () => {
    const out = path.join(tmpDir(), 'manifest.prod.xml');
    const r = await cli('manifest', '--origin', 'https://ledger.example.gov.cn', '--out', out);
    assert.equal(r.code, 0, r.err);
    const prod = readFileSync(out, 'utf8');
    assert.doesNotMatch(prod, /localhost/);
    assert.match(prod, /<SourceLocation DefaultValue="https:\/\/ledger\.example\.gov\.cn\/addin\/taskpane\.html"\/>/);
    assert.deepEqual(checkManifest(prod, ASSETS), []);
    assert.throws(() => manifestForOrigin(XML, 'http://ledger.example.gov.cn'), /must be HTTPS/);
    const bad = await cli('manifest', '--origin', 'http://x.example');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^ledger-sync: --origin 必须是 HTTPS 地址（Excel 只通过 HTTPS 加载加载项），而不是“http:\/\/x\.example”\n$/);
    assert.match((await cli('manifest', '--origin', 'http://x.example', '--lang', 'en')).err, /must be HTTPS/);
  });

  it('`npm run validate` parses it with office-addin-manifest offline and says valid; a broken copy exits 1', async function () {
    this.timeout(60_000);
    const ok = await run(process.execPath, ['--require', 'tsx/cjs', 'scripts/validate-manifest.ts', 'manifest.xml'], { cwd: ROOT });
    assert.match(ok.stdout, /manifest\.xml: valid — 台账同步 0\.2\.0\.0 .*Workbook, https:\/\/localhost:3000\/addin\/taskpane\.html/);
    const dir = tmpDir();
    const broken = path.join(dir, 'broken.xml');
    writeFileSync(broken, XML.replace('<Permissions>ReadWriteDocument</Permissions>', '<Permissions>ReadDocument</Permissions>'));
    await assert.rejects(run(process.execPath, ['--require', 'tsx/cjs', 'scripts/validate-manifest.ts', broken], { cwd: ROOT }), (e: { code: number; stderr: string }) => e.code === 1 && /ReadWriteDocument/.test(e.stderr));
  });
});
