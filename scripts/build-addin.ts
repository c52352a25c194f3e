/**
 * Builds the task pane into dist/addin/, which the service serves at /addin: the pane bundled by
 * esbuild, its HTML, CSS and icons. office.js comes from the service too (/addin/office/, the whole
 * dist/ of @microsoft/office-js, served by server/app.ts), so the add-in works on an isolated
 * intranet; LEDGER_SYNC_OFFICE_JS=cdn makes the pane load it from Microsoft's CDN instead.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { words } from '../shared/desk-words';

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'dist', 'addin');
const CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: [path.join(ROOT, 'addin', 'taskpane.ts')],
    bundle: true,
    outfile: path.join(OUT, 'taskpane.js'),
    platform: 'browser',
    // Excel 2019 on Windows runs add-ins in EdgeHTML (Edge 18): ES2017 it understands.
    target: 'es2017',
    format: 'iife',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  const legacy = legacyCheck();
  writeFileSync(path.join(OUT, 'legacy-check.js'), legacy);
  await buildWorkbench(legacy);
  const cdn = process.env.LEDGER_SYNC_OFFICE_JS === 'cdn';
  const html = readFileSync(path.join(ROOT, 'addin', 'taskpane.html'), 'utf8').replace('%OFFICE_JS%', cdn ? CDN : 'office/office.js');
  writeFileSync(path.join(OUT, 'taskpane.html'), html);
  for (const f of ['taskpane.css', 'help.html']) cpSync(path.join(ROOT, 'addin', f), path.join(OUT, f));
  cpSync(path.join(ROOT, 'addin', 'assets'), path.join(OUT, 'assets'), { recursive: true });
  console.log(`add-in built into ${path.relative(ROOT, OUT)} (office.js ${cdn ? 'from Microsoft’s CDN' : 'served by the service'})`);
}

/** The ES5 notice script with the catalogue's words built in (one catalogue, shared/desk-words.ts). */
function legacyCheck(): string {
  const of = (lang: 'zh' | 'en') => ({ addin: words(lang).legacy.addin('%URL%'), bench: words(lang).legacy.bench });
  return readFileSync(path.join(ROOT, 'ui', 'legacy-check.js'), 'utf8').replace('__WORDS__', JSON.stringify({ zh: of('zh'), en: of('en') }));
}

/** The web workbench into dist/workbench/, which the service serves at /: its page, its worker, the sample. */
async function buildWorkbench(legacy: string): Promise<void> {
  const out = path.join(ROOT, 'dist', 'workbench');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const common = { bundle: true, platform: 'browser' as const, format: 'iife' as const, minify: true, sourcemap: true, logLevel: 'warning' as const, target: 'es2019' };
  await build({ ...common, entryPoints: [path.join(ROOT, 'workbench', 'workbench.ts')], outfile: path.join(out, 'workbench.js') });
  await build({ ...common, entryPoints: [path.join(ROOT, 'workbench', 'book-worker.ts')], outfile: path.join(out, 'book-worker.js') });
  for (const f of ['index.html', 'workbench.css']) cpSync(path.join(ROOT, 'workbench', f), path.join(out, f));
  writeFileSync(path.join(out, 'legacy-check.js'), legacy);
  // The sample the "try it" button reads: the sample book of the README (test/fixtures/README.md).
  cpSync(path.join(ROOT, 'test', 'fixtures', 'sample-2024.xlsx'), path.join(out, 'sample-2024.xlsx'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
