/**
 * The task pane as Office 2016/2019 runs it (EdgeHTML 18): the shipped bundle is ES2017 syntax, holds
 * no BigInt, and what EdgeHTML lacks of the newer built-ins is filled in before use.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import vm from 'node:vm';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as acorn from 'acorn';
import { buildSync } from 'esbuild';
import fc from 'fast-check';
import { decodeUtf8 } from '../addin/legacy-polyfills';

const ROOT = path.join(__dirname, '..');
const BUNDLE = path.join(ROOT, 'dist', 'addin', 'taskpane.js');

describe('the task pane bundle runs in EdgeHTML 18', function () {
  this.timeout(60_000);
  let code: string;
  before(() => {
    if (!existsSync(BUNDLE)) execFileSync(process.execPath, ['--require', 'tsx/cjs', 'scripts/build-addin.ts'], { cwd: ROOT });
    code = readFileSync(BUNDLE, 'utf8');
  });

  it('parses as ES2017 (acorn, ecmaVersion 2017)', () => {
    assert.doesNotThrow(() => acorn.parse(code, { ecmaVersion: 2017, sourceType: 'script' }));
    console.log(`      taskpane.js: ${(code.length / 1024).toFixed(0)} KB minified`);
  });

  it('holds no BigInt: neither the constructor nor a literal', () => {
    let bigints = 0;
    const tokens = acorn.tokenizer(code, { ecmaVersion: 2020 });
    for (const t of tokens) {
      const v = (t as unknown as { value: unknown }).value;
      if ((t.type.label === 'name' && v === 'BigInt') || (t.type.label === 'num' && typeof v === 'bigint')) bigints++;
    }
    assert.equal(bigints, 0);
  });

  it('fills in Object.fromEntries, flat, flatMap, matchAll and a UTF-8 TextDecoder where they are missing', () => {
    const src = buildSync({ entryPoints: [path.join(ROOT, 'addin', 'legacy-polyfills.ts')], bundle: true, write: false, format: 'iife', target: 'es2017' }).outputFiles[0]!.text;
    const ctx = vm.createContext({});
    vm.runInContext('var window = this; delete Object.fromEntries; delete Array.prototype.flat; delete Array.prototype.flatMap; delete String.prototype.matchAll;', ctx);
    assert.equal(vm.runInContext('typeof TextDecoder', ctx), 'undefined');
    assert.equal(vm.runInContext('typeof Object.fromEntries', ctx), 'undefined');
    vm.runInContext(src, ctx);
    const out = vm.runInContext(`JSON.stringify([
      Object.fromEntries([['a', 1], ['b', 2]]),
      [1, [2, [3]], 4].flat(),
      [1, 2].flatMap((x) => [x, x * 10]),
      Array.from('a1b22c'.matchAll(/\\d+/g), (m) => m[0] + '@' + m.index),
      new TextDecoder('utf-8').decode(new Uint8Array([${[...Buffer.from('合同台账 A1:B2 😀')].join(',')}])),
    ])`, ctx);
    assert.equal(out, JSON.stringify([{ a: 1, b: 2 }, [1, 2, [3], 4], [1, 10, 2, 20], ['1@1', '22@3'], '合同台账 A1:B2 😀']));
  });

  it('the UTF-8 decoder decodes any bytes as the standard one does (malformed ones as U+FFFD)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ unit: 'grapheme', maxLength: 40 }).map((t) => new Uint8Array(Buffer.from(t)))), (b) => {
        assert.equal(decodeUtf8(b), new TextDecoder('utf-8').decode(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('the shipped bundle does not use a built-in EdgeHTML lacks without that fill', () => {
    // Each of these appears only where the polyfills above define it, or not at all.
    for (const api of ['globalThis', 'allSettled', 'TextEncoder', 'structuredClone', 'replaceAll', 'Object.hasOwn']) {
      assert.ok(!code.includes(api), api);
    }
  });
});

describe('the web workbench and the legacy check parse where they have to run', () => {
  const bench = (f: string) => path.join(ROOT, 'dist', 'workbench', f);
  before(() => {
    if (!existsSync(bench('workbench.js'))) execFileSync(process.execPath, ['--require', 'tsx/cjs', 'scripts/build-addin.ts'], { cwd: ROOT });
  });
  // ES2019: Chromium 73+ and Firefox 68+, which the Chinese Chromium-based browsers' fast modes are beyond.
  for (const f of ['workbench.js', 'book-worker.js']) {
    it(`${f} parses as ES2019`, () => {
      const code = readFileSync(bench(f), 'utf8');
      assert.doesNotThrow(() => acorn.parse(code, { ecmaVersion: 2019, sourceType: 'script' }));
    });
  }
  // Internet Explorer (and a browser's compatibility mode) must parse it to show its notice.
  for (const dir of ['addin', 'workbench']) {
    it(`${dir}/legacy-check.js parses as ES5`, () => {
      const code = readFileSync(path.join(ROOT, 'dist', dir, 'legacy-check.js'), 'utf8');
      assert.doesNotThrow(() => acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' }));
      assert.ok(code.length < 8 * 1024, `${code.length} bytes`);
    });
  }
});
