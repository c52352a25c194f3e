import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { DEFAULT_REFERENCE } from '../shared/reference';
import { referenceWithOverrides } from '../shared/reference-file';
import { cli } from './support/cli';
import { tmpDir } from './support/xlsx';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');

describe('reference data overrides (a deployment’s file over the defaults of reference.md)', () => {
  it('replaces top-level entries and merges thresholds key by key', () => {
    const r = referenceWithOverrides({ thresholds: { capitalisation_fen: 150_000 }, sangong_classes: ['30217'] });
    assert.ok(r.ok);
    assert.equal(r.ref.thresholds.capitalisation_fen, 150_000);
    assert.equal(r.ref.thresholds.public_tender_fen, DEFAULT_REFERENCE.thresholds.public_tender_fen);
    assert.deepEqual(r.ref.sangong_classes, ['30217']);
    assert.deepEqual(r.ref.econ_classes, DEFAULT_REFERENCE.econ_classes);
    assert.deepEqual(referenceWithOverrides({}), { ok: true, ref: DEFAULT_REFERENCE });
  });

  const bad: [unknown, RegExp][] = [
    [{ thresholds: { public_tender_fen: '200万' } }, /^thresholds\.public_tender_fen: .*number/],
    [{ thresholds: { public_tender_fen: -1 } }, /^thresholds\.public_tender_fen: /],
    [{ thresholds: { tender: 1 } }, /^thresholds: .*tender/],
    [{ econ_classes: { office: '办公费' } }, /^econ_classes\.office: .*economic class code/],
    [{ method_policy: [{ catalogue: '2024', prefix: 'A02', method: 'agreement' }] }, /^method_policy\.0\.catalogue: /],
    [{ useful_life_years: [{ prefix: 'A02', years: 0 }] }, /^useful_life_years\.0\.years: /],
    [{ thresholdz: {} }, /^\(top level\): .*thresholdz/],
    [[], /^\(top level\): /],
  ];
  for (const [json, want] of bad) {
    it(`refuses ${JSON.stringify(json)}, naming the field`, () => {
      const r = referenceWithOverrides(json);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.problem.en, want);
    });
  }

  it('changes what analyze finds: a higher capitalisation threshold leaves fewer purchases to trace', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'ref.json');
    writeFileSync(file, JSON.stringify({ thresholds: { capitalisation_fen: 500_000 } })); // 5,000 yuan a unit
    const base = JSON.parse((await cli('analyze', SAMPLE, '--json', '--as-of', '2024-06')).out);
    const over = JSON.parse((await cli('analyze', SAMPLE, '--json', '--as-of', '2024-06', '--reference', file)).out);
    assert.ok(over.analysis.asset_trace.rows.length > 0);
    assert.ok(over.analysis.asset_trace.rows.length < base.analysis.asset_trace.rows.length, `${over.analysis.asset_trace.rows.length} < ${base.analysis.asset_trace.rows.length}`);
    process.env.LEDGER_SYNC_REFERENCE = file;
    try {
      const env = JSON.parse((await cli('analyze', SAMPLE, '--json', '--as-of', '2024-06')).out);
      assert.deepEqual(env.analysis.asset_trace, over.analysis.asset_trace);
    } finally {
      delete process.env.LEDGER_SYNC_REFERENCE;
    }
  });

  it('stops with one line naming the file and the problem', async () => {
    const dir = tmpDir();
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"thresholds": ');
    const wrong = path.join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ thresholds: { split_window_days: '90天' } }));
    const cases: [string, RegExp][] = [
      [path.join(dir, 'missing.json'), /找不到参考数据文件：.*missing\.json/],
      [broken, /参考数据文件 .*broken\.json 不是有效的 JSON/],
      [wrong, /参考数据文件 .*wrong\.json 有误：thresholds\.split_window_days：应为数字$/m],
    ];
    for (const [file, want] of cases) {
      const r = await cli('check', SAMPLE, '--reference', file);
      assert.equal(r.code, 2);
      assert.match(r.err, want);
      assert.equal(r.err.trim().split('\n').length, 1);
    }
  });
});
