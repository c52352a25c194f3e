import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { createApp, reconcilerOf } from '../server/app';
import { referenceWithOverrides } from '../shared/reference-file';
import { DEFAULT_PUSH_OPTIONS } from '../server/push-service';
import { nodeHasher } from '../server/node-hasher';
import { contentHash } from '../shared/push';
import { makeFinding } from '../shared/validate';
import { FINDING_COLUMNS, findingRecord } from '../server/finding-records';
import { cli } from './support/cli';
import { DIALECTS, TestService, pushWith, silentLogger, testService, workbookPushes } from './support/service';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
const RULE = /^[PAEB]\d\d$/;

for (const dialect of DIALECTS) {
  describe(`reconciliation on commit (${dialect})`, function () {
    this.timeout(60_000);
    let s: TestService;
    const auth = () => ({ Authorization: `Bearer ${s.tokens.clerkA}` });
    beforeEach(async () => {
      s = await testService(dialect);
      for (const p of await workbookPushes(SAMPLE, '2024-06')) assert.equal((await pushWith(s, s.tokens.clerkA, p)).commit!.status, 201);
      await reconcilerOf(s.app).idle();
    });
    afterEach(() => s.close());

    it('stores the period’s P/A/E/B findings after the commits, pointing into the snapshots, with an audit event', async () => {
      const runs = await s.db.models.Reconciliation.findAll();
      assert.equal(runs.length, 1, 'one run per unit and period, replaced by later ones');
      const heads = await s.db.models.LedgerHead.findAll();
      assert.equal(heads.length, 6);
      assert.match(runs[0]!.basis, /^plan=\d+,purchase=\d+,asset=\d+,asset_event=\d+,expense=\d+,budget=\d+@[0-9a-f]{16}$/);
      const stored = await s.db.models.StoredFinding.findAll({ where: { reconciliation_id: runs[0]!.id } });
      const local = JSON.parse((await cli('analyze', SAMPLE, '--json', '--as-of', '2024-06')).out);
      const expected = local.findings.filter((f: { code: string }) => RULE.test(f.code));
      assert.deepEqual(stored.map((f) => `${f.code} ${f.sheet}!${f.column ?? ""}${f.row}`).sort(), expected.map((f: { code: string; sheet: string; column?: string; row: number }) => `${f.code} ${f.sheet}!${f.column ?? ""}${f.row}`).sort());
      assert.equal(runs[0]!.findings_error, expected.filter((f: { severity: string }) => f.severity === 'error').length);
      const snapshotIds = new Set(heads.map((h) => h.snapshot_id));
      assert.ok(stored.every((f) => snapshotIds.has(f.snapshot_id)));
      const events = await s.db.models.AuditEvent.findAll({ where: { action: 'reconcile' } });
      assert.ok(events.length >= 1 && events.length <= 6, `${events.length} runs for six commits`);
      assert.deepEqual(JSON.parse(events.at(-1)!.details).findings, { error: runs[0]!.findings_error, warning: runs[0]!.findings_warning, info: runs[0]!.findings_info });
    });

    it('answers GET /findings from the stored run while it is current, and replaces the run on the next commit', async () => {
      const run = (await s.db.models.Reconciliation.findOne())!;
      const one = (await s.db.models.StoredFinding.findOne({ where: { reconciliation_id: run.id } }))!;
      // Only a read of the stored run can return this message.
      await one.update({ message_zh: '（已存储的核对结果）' });
      const before = await request(s.app).get('/api/v1/findings?period=2024-06').set(auth());
      assert.ok(before.body.findings.some((f: { message: string }) => f.message === '（已存储的核对结果）'));

      // A changed budget ledger: a new run replaces the old one and its findings.
      const budget = (await workbookPushes(SAMPLE, '2024-06')).find((p) => p.open.kind === 'budget')!;
      budget.rows.pop();
      budget.sourceRows.pop();
      const changed = { ...budget, open: { ...budget.open, row_count: budget.rows.length } };
      changed.open.content_hash = contentHash(changed.open, changed.rows, changed.sourceRows, nodeHasher);
      assert.equal((await pushWith(s, s.tokens.clerkA, changed)).commit!.status, 201);
      const after = await request(s.app).get('/api/v1/findings?period=2024-06').set(auth()); // waits for the run
      assert.ok(!after.body.findings.some((f: { message: string }) => f.message === '（已存储的核对结果）'));
      const runs = await s.db.models.Reconciliation.findAll();
      assert.equal(runs.length, 1);
      assert.notEqual(runs[0]!.id, run.id);
      assert.equal(await s.db.models.StoredFinding.count({ where: { reconciliation_id: run.id } }), 0);
    });

    it('computes on read when the stored run was made with other reference data', async () => {
      const run = (await s.db.models.Reconciliation.findOne())!;
      await s.db.models.StoredFinding.update({ message_zh: '（过期）' }, { where: { reconciliation_id: run.id } });
      const r = referenceWithOverrides({ thresholds: { capitalisation_fen: 500_000 } });
      assert.ok(r.ok);
      const other = createApp(s.db, { logger: silentLogger(), push: { ...DEFAULT_PUSH_OPTIONS, ref: r.ref } });
      const res = await request(other).get('/api/v1/findings?period=2024-06').set(auth());
      assert.equal(res.status, 200);
      assert.ok(res.body.findings.some((f: { code: string }) => RULE.test(f.code)));
      assert.ok(!res.body.findings.some((f: { message: string }) => f.message === '（过期）'));
    });
  });
}

describe('finding records', () => {
  it('name exactly the columns the bulk insert of a reconciliation writes', () => {
    const f = makeFinding('P01', 'zh', { ledger: 'purchase', sheet: 'S', row: 2, ids: { purchase_id: 'HT-1' } });
    assert.deepEqual(Object.keys(findingRecord(f, 1, 2)), FINDING_COLUMNS);
  });
});
