import assert from 'node:assert/strict';
import request from 'supertest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { DIALECTS, TestService, testService, purchaseCells, purchasePush, pushWith } from './support/service';
import { ContentHasher, PreparedPush, chunkRanges } from '../shared/push';
import { nodeHasher } from '../server/node-hasher';
import { countRows, loadLedgerRows } from '../server/row-store';
import { createApp, reconcilerOf } from '../server/app';
import { DEFAULT_REFERENCE } from '../shared/reference';
import { ChunkCache } from '../server/chunk-cache';
import { DEFAULT_PUSH_OPTIONS, expirePushes } from '../server/push-service';

const push = pushWith;

async function storedState(s: TestService) {
  return {
    snapshots: await s.db.models.Snapshot.count(),
    rows: await countRows(s.db, 'purchase'),
    heads: (await s.db.models.LedgerHead.findAll()).map((h) => h.snapshot_id),
    units: await s.db.models.Unit.count(),
  };
}

for (const dialect of DIALECTS) {
  describe(`service API on ${dialect}`, function () {
    this.timeout(60_000);
    let s: TestService;
    beforeEach(async () => {
      s = await testService(dialect);
    });
    afterEach(async () => {
      await s.close();
    });
    const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

    it('GET /healthz answers once the database does', async () => {
      const r = await request(s.app).get('/healthz');
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { status: 'ok' });
    });

    it('GET /api/v1/openapi.json describes every route', async () => {
      const r = await request(s.app).get('/api/v1/openapi.json');
      assert.equal(r.status, 200);
      assert.equal(r.body.openapi, '3.1.0');
      const paths = r.body.paths;
      for (const [method, p] of [
        ['get', '/healthz'], ['get', '/api/v1/openapi.json'], ['post', '/api/v1/pushes'], ['put', '/api/v1/pushes/{id}/chunks/{n}'],
        ['post', '/api/v1/pushes/{id}/commit'], ['get', '/api/v1/snapshots'], ['get', '/api/v1/snapshots/{id}'], ['get', '/api/v1/findings'],
        ['post', '/api/v1/tokens'], ['get', '/api/v1/me'],
      ] as const) {
        assert.ok(paths[p]?.[method], `${method} ${p}`);
      }
      assert.ok(paths['/api/v1/pushes'].post.requestBody.content['application/json'].schema.properties.content_hash);
      // The analysis tables are one named schema, the service's `tables` (the CLI's `analysis`, contracts.md).
      const analysis = paths['/api/v1/analysis'].get.responses[200].content['application/json'].schema;
      assert.equal(analysis.properties.tables.$ref, '#/components/schemas/AnalysisTables');
      assert.deepEqual(r.body.components.schemas.AnalysisTables.additionalProperties.required, ['title', 'sheet', 'columns', 'rows']);
    });

    it('push: open, chunks, commit → a snapshot with its rows, paged', async () => {
      const p = purchasePush(purchaseCells(2500));
      const { open, commit } = await push(s, s.tokens.clerkA, p);
      assert.equal(open.status, 201);
      assert.equal(commit!.status, 201, JSON.stringify(commit!.body));
      assert.equal(commit!.body.row_count, 2500);
      assert.deepEqual(commit!.body.findings_summary, { error: 0, warning: 0, info: 0 });
      const id = commit!.body.snapshot_id;
      const page = await request(s.app).get(`/api/v1/snapshots/${id}?offset=100&limit=2`).set(bearer(s.tokens.clerkA));
      assert.equal(page.status, 200);
      assert.equal(page.body.total, 2500);
      assert.equal(page.body.rows.length, 2);
      assert.deepEqual(page.body.rows[0], {
        sheet: '合同台账', row: 102, valid: true, raw: {},
        values: {
          purchase_id: 'HT-101', plan_id: 'JH-1', date: '2024-05-10', department: '办公室', item_code: 'A02010105', item_name: '台式计算机',
          spec: null, supplier: null, quantity: 1, unit_price: '5000.00', amount: '5000.00', method: 'agreement', method_exception_ref: null, invoice_no: null,
        },
      });
      assert.equal(page.body.snapshot.current, true);
      assert.equal(page.body.snapshot.unit, 'A');
      const list = await request(s.app).get('/api/v1/snapshots?kind=purchase&period=2024-06').set(bearer(s.tokens.clerkA));
      assert.deepEqual(list.body.snapshots.map((x: { id: number }) => x.id), [id]);
    });

    it('two pushes of the same content open at once: the second commit finds the first stored and answers unchanged, with the same findings', async () => {
      const rows = purchaseCells(2500);
      rows[7]![2] = '2024-02-30';
      rows[900]![0] = 'HT-1';
      const p = purchasePush(rows);
      const auth = bearer(s.tokens.clerkA);
      const ids: string[] = [];
      for (let k = 0; k < 2; k++) {
        const open = await request(s.app).post('/api/v1/pushes').set(auth).send(p.open);
        assert.equal(open.status, 201);
        ids.push(open.body.push_id);
        const body = JSON.stringify({ rows: p.rows, source_rows: p.sourceRows });
        assert.equal((await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(auth).type('json').send(body)).status, 200);
      }
      const first = await request(s.app).post(`/api/v1/pushes/${ids[0]}/commit`).set(auth);
      assert.equal(first.status, 201);
      assert.deepEqual(first.body.findings_summary, { error: 2, warning: 0, info: 0 });
      const second = await request(s.app).post(`/api/v1/pushes/${ids[1]}/commit`).set(auth);
      assert.equal(second.status, 200);
      assert.deepEqual(second.body, { snapshot_id: first.body.snapshot_id, unchanged: true, row_count: 2500, findings_summary: first.body.findings_summary });
      assert.equal(await s.db.models.Snapshot.count(), 1);
      assert.equal(await countRows(s.db, 'purchase'), 2500);
      const snap = await request(s.app).get(`/api/v1/snapshots/${first.body.snapshot_id}?limit=1`).set(auth);
      // Counted after the rows went in, inside the same transaction.
      assert.equal(snap.body.snapshot.row_count, 2500);
      assert.deepEqual(snap.body.snapshot.findings_summary, { error: 2, warning: 0, info: 0 });
    });

    it('the same content pushed twice is one snapshot', async () => {
      const p = purchasePush(purchaseCells(300));
      const first = await push(s, s.tokens.clerkA, p);
      const again = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, { snapshot_id: first.commit!.body.snapshot_id, unchanged: true });
      assert.equal(await s.db.models.Snapshot.count(), 1);
      assert.equal(await countRows(s.db, 'purchase'), 300);
      // Changed content makes a new current snapshot; the old one stays, no longer current.
      const changed = await push(s, s.tokens.clerkA, purchasePush(purchaseCells(301)));
      assert.equal(changed.commit!.status, 201);
      const list = await request(s.app).get('/api/v1/snapshots?kind=purchase').set(bearer(s.tokens.clerkA));
      assert.deepEqual(list.body.snapshots.map((x: { current: boolean }) => x.current), [true, false]);
    });

    it('a chunk written with spaces or escapes is the same content as one written compactly', async () => {
      const escaped = (json: string) => json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      // Other clients' JSON: indented (not laid out as chunkBody writes it), or compact with every
      // non-ASCII character escaped (laid out so, but other bytes than the client hashed).
      const variants: [string, (b: object) => string][] = [
        ['indented', (b) => JSON.stringify(b, null, 2)],
        ['escaped', (b) => escaped(JSON.stringify(b))],
      ];
      for (const [tag, write] of variants) {
        const p = purchasePush(purchaseCells(40, tag));
        const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
        const body = write({ rows: p.rows, source_rows: p.sourceRows });
        assert.notEqual(body, JSON.stringify({ rows: p.rows, source_rows: p.sourceRows }));
        const chunk = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send(body);
        assert.equal(chunk.status, 200);
        const commit = await request(s.app).post(`/api/v1/pushes/${open.body.push_id}/commit`).set(bearer(s.tokens.clerkA));
        assert.equal(commit.status, 201, tag);
        assert.equal(commit.body.row_count, 40);
        // Our own client's push of the same rows is then unchanged.
        const again = await push(s, s.tokens.clerkA, p);
        assert.deepEqual(again.open.body, { snapshot_id: commit.body.snapshot_id, unchanged: true }, tag);
      }
      assert.equal(await countRows(s.db, 'purchase'), 80);
    });

    it('two pushes of the same content committed at once make one snapshot', async () => {
      const p = purchasePush(purchaseCells(3000));
      const ids: string[] = [];
      for (let k = 0; k < 2; k++) {
        const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
        assert.equal(open.status, 201);
        await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send(JSON.stringify({ rows: p.rows, source_rows: p.sourceRows }));
        ids.push(open.body.push_id);
      }
      const results = await Promise.all(ids.map((id) => request(s.app).post(`/api/v1/pushes/${id}/commit`).set(bearer(s.tokens.clerkA))));
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 201]);
      assert.equal(results[0]!.body.snapshot_id, results[1]!.body.snapshot_id);
      assert.equal(await s.db.models.Snapshot.count(), 1);
      assert.equal(await countRows(s.db, 'purchase'), 3000);
    });

    it('stores what the whole-ledger checks decide at commit: a duplicate id in a later chunk, an amount filled in', async () => {
      const rows = purchaseCells(12_000);
      rows[11_000]![0] = 'HT-5'; // the id of row 5, in the second chunk: V05, not valid
      rows[11_001]![8] = null; // no amount: quantity × unit price
      const { commit } = await push(s, s.tokens.clerkA, purchasePush(rows));
      assert.equal(commit!.status, 201);
      const stored = await loadLedgerRows(s.db, 'purchase', commit!.body.snapshot_id);
      assert.equal(stored.length, 12_000);
      assert.equal(stored[4]!.valid, true);
      assert.equal(stored[11_000]!.valid, false);
      assert.equal(stored[11_001]!.values.amount, (rows[11_001]![6] as number) * 5000 * 100);
      assert.equal(stored.filter((r) => !r.valid).length, 1);
    });

    it('rows with findings are stored with them, raw text kept, pointing at the cells', async () => {
      const rows = purchaseCells(3);
      rows[1]![2] = '2024-02-30';
      rows[2]![6] = '约5台';
      const { commit } = await push(s, s.tokens.clerkA, purchasePush(rows));
      assert.equal(commit!.status, 201);
      assert.deepEqual(commit!.body.findings_summary, { error: 2, warning: 0, info: 0 });
      const snap = await request(s.app).get(`/api/v1/snapshots/${commit!.body.snapshot_id}`).set(bearer(s.tokens.clerkA));
      assert.deepEqual(snap.body.rows[1].raw, { date: '2024-02-30' });
      assert.equal(snap.body.rows[1].valid, false);
      const f = await request(s.app).get('/api/v1/findings?period=2024-06').set(bearer(s.tokens.clerkA));
      const at = (x: { code: string; row?: number; column?: string; value?: string }) => (x.row === undefined ? `${x.code}:${x.value}` : `${x.code}@${x.column ?? ''}${x.row}`);
      // Validation findings of the snapshot, then the reconciliation of the period: no plan and no
      // register were pushed, so one I05 note each instead of P01/A01 per row; no payments after 60
      // days: E03, on the valid row only.
      assert.deepEqual(f.body.findings.map(at), ['I05:plan', 'I05:asset', 'E03@2', 'V03@C3', 'V02@G4']);
      assert.match(f.body.findings[3].message, /采购日期/);
      const en = await request(s.app).get('/api/v1/findings?period=2024-06&lang=en').set(bearer(s.tokens.clerkA));
      assert.match(en.body.findings[3].message, /cannot be read as a date/);
    });

    it('a commit whose chunks are no longer in memory reads them from the store, with the same result', async () => {
      const cache = new ChunkCache();
      const app = createApp(s.db, { logger: pino({ level: 'silent' }), push: { ...DEFAULT_PUSH_OPTIONS, cache } });
      const rows = purchaseCells(12_000);
      rows[5]![2] = '2024-02-30';
      rows[11_000]![0] = 'HT-1';
      const p = purchasePush(rows);
      const viaCache = await push({ ...s, app }, s.tokens.clerkA, p);
      const open = await request(app).post('/api/v1/pushes').set(bearer(s.tokens.clerkB)).send(p.open);
      for (const [n, [a, b]] of chunkRanges(p.rows).entries()) {
        await request(app).put(`/api/v1/pushes/${open.body.push_id}/chunks/${n}`).set(bearer(s.tokens.clerkB)).type('json').send(JSON.stringify({ rows: p.rows.slice(a, b), source_rows: p.sourceRows.slice(a, b) }));
      }
      assert.equal(cache.heldRows, 12_000);
      cache.drop(open.body.push_id); // as after a restart
      const viaStore = await request(app).post(`/api/v1/pushes/${open.body.push_id}/commit`).set(bearer(s.tokens.clerkB));
      assert.equal(viaStore.status, 201);
      assert.deepEqual(viaStore.body.findings_summary, viaCache.commit!.body.findings_summary);
      assert.deepEqual(viaStore.body.findings_summary, { error: 2, warning: 0, info: 0 });
      const page = async (id: number, t: string) => (await request(app).get(`/api/v1/snapshots/${id}?limit=10000`).set(bearer(t))).body.rows;
      assert.deepEqual(await page(viaStore.body.snapshot_id, s.tokens.clerkB), await page(viaCache.commit!.body.snapshot_id, s.tokens.clerkA));
      const findings = async (t: string) => (await request(app).get('/api/v1/findings?period=2024-06').set(bearer(t))).body.findings.map((f: { code: string; row: number; message: string }) => [f.code, f.row, f.message]);
      assert.deepEqual(await findings(s.tokens.clerkB), await findings(s.tokens.clerkA));
    });

    describe('auth matrix', () => {
      let snapshotA: number;
      beforeEach(async () => {
        snapshotA = (await push(s, s.tokens.clerkA, purchasePush(purchaseCells(5)))).commit!.body.snapshot_id;
      });
      const cases: [string, (t: TestService['tokens']) => Record<string, string>, () => string, number][] = [
        ['no token', () => ({}), () => `/api/v1/snapshots/${snapshotA}`, 401],
        ['a bad token', () => ({ Authorization: 'Bearer lsk_nope' }), () => `/api/v1/snapshots/${snapshotA}`, 401],
        ['a malformed header', () => ({ Authorization: 'Basic abc' }), () => `/api/v1/snapshots`, 401],
        ['clerk A on its own snapshot', (t) => bearer(t.clerkA), () => `/api/v1/snapshots/${snapshotA}`, 200],
        ['clerk B on unit A’s snapshot', (t) => bearer(t.clerkB), () => `/api/v1/snapshots/${snapshotA}`, 404],
        ['clerk B listing unit A', (t) => bearer(t.clerkB), () => `/api/v1/snapshots?unit=A`, 404],
        ['clerk B on unit A’s findings', (t) => bearer(t.clerkB), () => `/api/v1/findings?period=2024-06&unit=A`, 404],
        ['reviewer on unit A’s snapshot', (t) => bearer(t.reviewer), () => `/api/v1/snapshots/${snapshotA}`, 200],
        ['reviewer listing unit A', (t) => bearer(t.reviewer), () => `/api/v1/snapshots?unit=A`, 200],
        ['reviewer listing an unknown unit', (t) => bearer(t.reviewer), () => `/api/v1/snapshots?unit=ZZ`, 404],
        ['admin on unit A’s snapshot', (t) => bearer(t.admin), () => `/api/v1/snapshots/${snapshotA}`, 200],
      ];
      for (const [who, headers, url, status] of cases) {
        it(`${who} → ${status}`, async () => {
          const r = await request(s.app).get(url()).set(headers(s.tokens));
          assert.equal(r.status, status, JSON.stringify(r.body));
          if (status >= 400) assert.equal(typeof r.body.error.message, 'string');
        });
      }
      it('clerk B cannot push chunks into or commit unit A’s push (404)', async () => {
        const p = purchasePush(purchaseCells(5, 'x'));
        const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
        const chunk = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkB)).type('json').send(JSON.stringify({ rows: p.rows, source_rows: p.sourceRows }));
        assert.equal(chunk.status, 404);
        const commit = await request(s.app).post(`/api/v1/pushes/${open.body.push_id}/commit`).set(bearer(s.tokens.clerkB));
        assert.equal(commit.status, 404);
      });
      it('only an admin creates tokens (403 otherwise); the token works at once', async () => {
        for (const t of [s.tokens.clerkA, s.tokens.reviewer]) {
          const r = await request(s.app).post('/api/v1/tokens').set(bearer(t)).send({ unit: 'C', role: 'clerk' });
          assert.equal(r.status, 403);
          assert.equal(r.body.error.code, 'forbidden');
        }
        const r = await request(s.app).post('/api/v1/tokens').set(bearer(s.tokens.admin)).send({ unit: 'C', unit_name: '丙单位', role: 'clerk' });
        assert.equal(r.status, 201);
        const me = await request(s.app).get('/api/v1/me').set(bearer(r.body.token));
        assert.deepEqual(me.body, { unit: 'C', role: 'clerk' });
        const stored = await s.db.models.Token.findAll();
        assert.ok(stored.every((x) => x.token_hash.length === 64 && !x.token_hash.includes(r.body.token)));
      });
    });

    describe('commit refuses and stores nothing', () => {
      it('when a chunk is missing (409)', async () => {
        const p = purchasePush(purchaseCells(25_000));
        const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
        const ranges = chunkRanges(p.rows);
        assert.equal(ranges.length, 3);
        for (const n of [0, 2]) {
          const [a, b] = ranges[n]!;
          await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/${n}`).set(bearer(s.tokens.clerkA)).type('json').send(JSON.stringify({ rows: p.rows.slice(a, b), source_rows: p.sourceRows.slice(a, b) }));
        }
        const before = await storedState(s);
        const r = await request(s.app).post(`/api/v1/pushes/${open.body.push_id}/commit`).set(bearer(s.tokens.clerkA));
        assert.equal(r.status, 409);
        assert.equal(r.body.error.code, 'missing_chunks');
        assert.match(r.body.error.message, /chunks 1 were not received/);
        assert.deepEqual(await storedState(s), before);
      });
      it('when the rows do not match content_hash (409)', async () => {
        const p = purchasePush(purchaseCells(10));
        const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
        const tampered = p.rows.map((r) => [...r]);
        tampered[3]![7] = 1;
        await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send(JSON.stringify({ rows: tampered, source_rows: p.sourceRows }));
        const r = await request(s.app).post(`/api/v1/pushes/${open.body.push_id}/commit`).set(bearer(s.tokens.clerkA));
        assert.equal(r.status, 409);
        assert.equal(r.body.error.code, 'hash_mismatch');
        assert.equal(await s.db.models.Snapshot.count(), 0);
      });
      it('when a body gives the rows twice, whichever hash it declares (409)', async () => {
        const p = purchasePush(purchaseCells(10));
        const other = p.rows.map((r) => [...r]);
        other[3]![7] = 1;
        // JSON.parse keeps the last "rows": the hash must be of the rows parsed, whatever bytes precede them.
        const body = Buffer.from(`{"rows":${JSON.stringify(p.rows)},"source_rows":${JSON.stringify(p.sourceRows)},"rows":${JSON.stringify(other)}}`);
        const key = body.indexOf('"source_rows":[');
        const overBytes = new ContentHasher(p.open, nodeHasher);
        overBytes.addSections(body.subarray(9, key - 2), body.subarray(key + 15, body.length - 2));
        for (const declared of [p.open.content_hash, overBytes.digest()]) {
          const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send({ ...p.open, content_hash: declared });
          const chunk = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send(body.toString('utf8'));
          assert.equal(chunk.status, 200, JSON.stringify(chunk.body));
          const r = await request(s.app).post(`/api/v1/pushes/${open.body.push_id}/commit`).set(bearer(s.tokens.clerkA));
          assert.equal(r.status, 409);
          assert.equal(r.body.error.code, 'hash_mismatch');
        }
        assert.equal(await s.db.models.Snapshot.count(), 0);
        assert.equal(await countRows(s.db, 'purchase'), 0);
      });
      it('when the push was already committed, or has expired (409)', async () => {
        const { id } = await push(s, s.tokens.clerkA, purchasePush(purchaseCells(4)));
        const again = await request(s.app).post(`/api/v1/pushes/${id}/commit`).set(bearer(s.tokens.clerkA));
        assert.equal(again.status, 409);
        assert.equal(again.body.error.code, 'push_committed');
        const p = purchasePush(purchaseCells(4, 'e'));
        const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
        await s.db.models.Push.update({ expires_at: new Date(Date.now() - 1000) }, { where: { id: open.body.push_id } });
        const late = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send(JSON.stringify({ rows: p.rows, source_rows: p.sourceRows }));
        assert.equal(late.status, 409);
        assert.equal(late.body.error.code, 'push_expired');
      });
      it('when row 9,999 of 10,000 is malformed (400 naming it)', async () => {
        const p = purchasePush(purchaseCells(10_000));
        const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
        const rows = p.rows.map((r) => [...r]) as unknown[][];
        rows[9998]![6] = { qty: 5 };
        const r = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send(JSON.stringify({ rows, source_rows: p.sourceRows }));
        assert.equal(r.status, 400);
        assert.equal(r.body.error.field, 'rows[9998][6]');
        const c = await request(s.app).post(`/api/v1/pushes/${open.body.push_id}/commit`).set(bearer(s.tokens.clerkA));
        assert.equal(c.status, 409);
        assert.equal(await s.db.models.Snapshot.count(), 0);
        assert.equal(await countRows(s.db, 'purchase'), 0);
      });
    });

    it('a failure part-way through storing rolls the whole commit back; the previous snapshot stays current', async () => {
      const first = await push(s, s.tokens.clerkA, purchasePush(purchaseCells(100)));
      const failing = { ...s, app: createApp(s.db, { logger: pino({ level: 'silent' }), push: { ttlMs: 60_000, ref: DEFAULT_REFERENCE, failpoint: { action: 'throw', afterRows: 5000 } } }) };
      const before = await storedState(s);
      const r = await push(failing, s.tokens.clerkA, purchasePush(purchaseCells(9_000, 'n')));
      assert.equal(r.commit!.status, 500);
      assert.match(r.commit!.body.error.message, /nothing was stored/);
      assert.deepEqual(await storedState(s), before);
      assert.deepEqual(before.heads, [first.commit!.body.snapshot_id]);
      // The push is still open: committing again through a healthy service stores it whole.
      const retry = await request(s.app).post(`/api/v1/pushes/${r.id}/commit`).set(bearer(s.tokens.clerkA));
      assert.equal(retry.status, 201);
      assert.equal(await countRows(s.db, 'purchase'), 100 + 9_000);
    });

    describe('bad payloads are refused naming the field, and nothing changes', () => {
      const good = () => purchasePush(purchaseCells(3)).open;
      const cases: [string, () => unknown, number, string | RegExp][] = [
        ['a wrong type', () => ({ ...good(), kind: 5 }), 400, 'kind'],
        ['a missing field', () => { const o: Record<string, unknown> = { ...good() }; delete o.period; return o; }, 400, 'period'],
        ['an unknown kind', () => ({ ...good(), kind: 'payroll' }), 400, 'kind'],
        ['a bad period', () => ({ ...good(), period: '2024-13' }), 400, 'period'],
        ['SQL in the period', () => ({ ...good(), period: "2024-06'; DROP TABLE units; --" }), 400, 'period'],
        ['an unknown field in the mapping', () => ({ ...good(), columns: [{ purchase_id: 'A', salary: 'B' }] }), 400, 'columns.0.salary'],
        ['a bad column letter', () => ({ ...good(), columns: [{ purchase_id: '=A1' }] }), 400, 'columns.0.purchase_id'],
        ['mappings not one per sheet', () => ({ ...good(), columns: [] }), 400, 'columns'],
        ['a bad hash', () => ({ ...good(), content_hash: 'abc' }), 400, 'content_hash'],
        ['an extra field', () => ({ ...good(), admin: true }), 400, /admin|body/],
        ['too many rows', () => ({ ...good(), row_count: 5_000_000 }), 400, 'row_count'],
      ];
      for (const [what, body, status, field] of cases) {
        it(what, async () => {
          const before = await storedState(s);
          const r = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(body() as object);
          assert.equal(r.status, status, JSON.stringify(r.body));
          if (field instanceof RegExp) assert.match(r.body.error.message, field);
          else assert.equal(r.body.error.field, field);
          assert.deepEqual(await storedState(s), before);
          assert.equal(await s.db.models.Push.count(), 0);
        });
      }
      it('malformed JSON (400)', async () => {
        const r = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).type('json').send('{"kind": "purchase",');
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, 'bad_json');
      });
      it('a 50 MB body (413), on open and on a chunk', async () => {
        const big = JSON.stringify({ ...good(), pad: 'x'.repeat(50 * 1024 * 1024) });
        const r = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).type('json').send(big);
        assert.equal(r.status, 413);
        assert.match(r.body.error.message, /larger than/);
        const p = purchasePush(purchaseCells(3));
        const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
        const c = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send(big);
        assert.equal(c.status, 413);
      });
      const chunkCases: [string, (p: PreparedPush) => unknown, string][] = [
        ['a cell of a wrong type', (p) => ({ rows: [[...p.rows[0]!.slice(0, 3), { $gt: '' }]], source_rows: [p.sourceRows[0]] }), 'rows[0][3]'],
        ['rows not an array', () => ({ rows: 'x', source_rows: [] }), 'rows'],
        ['source rows not matching rows', (p) => ({ rows: p.rows, source_rows: [] }), 'source_rows'],
        ['a source sheet that does not exist', (p) => ({ rows: [p.rows[0]], source_rows: [[3, 2]] }), 'source_rows[0]'],
        ['more than 10,000 rows', () => ({ rows: Array.from({ length: 10_001 }, () => []), source_rows: Array.from({ length: 10_001 }, (_, i) => [0, i + 2]) }), 'rows'],
        ['an unknown key', (p) => ({ rows: p.rows, source_rows: p.sourceRows, extra: 1 }), 'extra'],
      ];
      for (const [what, body, field] of chunkCases) {
        it(`chunk with ${what}`, async () => {
          const p = purchasePush(purchaseCells(3));
          const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
          const r = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send(JSON.stringify(body(p)));
          assert.equal(r.status, 400, JSON.stringify(r.body));
          assert.equal(r.body.error.field, field);
          assert.equal(await s.db.models.PushChunk.count(), 0);
        });
      }
      it('a bad chunk number (400) and an unknown push (404)', async () => {
        const p = purchasePush(purchaseCells(3));
        const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
        const r = await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/-1`).set(bearer(s.tokens.clerkA)).type('json').send('{}');
        assert.equal(r.status, 400);
        const u = await request(s.app).put(`/api/v1/pushes/00000000-0000-0000-0000-000000000000/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send('{}');
        assert.equal(u.status, 404);
      });
      it('SQL and formula text in cells is stored as the text it is', async () => {
        const rows = purchaseCells(2);
        rows[0]![5] = "'; DROP TABLE purchase_rows; --";
        rows[1]![5] = '=HYPERLINK("http://evil.invalid","点我")';
        const { commit } = await push(s, s.tokens.clerkA, purchasePush(rows, '2024-06', "x'); DROP TABLE snapshots; --.xlsx"));
        assert.equal(commit!.status, 201);
        const snap = await request(s.app).get(`/api/v1/snapshots/${commit!.body.snapshot_id}`).set(bearer(s.tokens.clerkA));
        assert.equal(snap.body.rows[0].values.item_name, "'; DROP TABLE purchase_rows; --");
        assert.equal(snap.body.rows[1].values.item_name, '=HYPERLINK("http://evil.invalid","点我")');
        assert.equal(snap.body.snapshot.source.workbook, "x'); DROP TABLE snapshots; --.xlsx");
        assert.equal(await countRows(s.db, 'purchase'), 2);
      });
    });

    it('abandoned pushes expire: marked expired, their chunks dropped', async () => {
      const p = purchasePush(purchaseCells(3));
      const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
      await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send(JSON.stringify({ rows: p.rows, source_rows: p.sourceRows }));
      assert.equal(await expirePushes(s.db, new Date(Date.now() + 59 * 60_000)), 0);
      assert.equal(await expirePushes(s.db, new Date(Date.now() + 61 * 60_000)), 1);
      assert.equal((await s.db.models.Push.findByPk(open.body.push_id))!.status, 'expired');
      assert.equal(await s.db.models.PushChunk.count(), 0);
      const c = await request(s.app).post(`/api/v1/pushes/${open.body.push_id}/commit`).set(bearer(s.tokens.clerkA));
      assert.equal(c.status, 409);
      assert.equal(c.body.error.code, 'push_expired');
    });

    it('every push, commit and token is in the audit trail', async () => {
      await push(s, s.tokens.clerkA, purchasePush(purchaseCells(3)));
      await reconcilerOf(s.app).idle();
      await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(purchasePush(purchaseCells(3)).open);
      const events = await s.db.models.AuditEvent.findAll({ order: [['id', 'ASC']] });
      assert.deepEqual(events.map((e) => e.action), ['token_create', 'token_create', 'token_create', 'token_create', 'push_open', 'commit', 'reconcile', 'push_unchanged']);
      const rec = JSON.parse(events[6]!.details);
      assert.deepEqual(rec.snapshots, { purchase: JSON.parse(events[5]!.details).snapshot_id });
      const commit = JSON.parse(events[5]!.details);
      assert.equal(commit.rows, 3);
      assert.match(commit.content_hash, /^[0-9a-f]{64}$/);
      assert.equal(events[5]!.actor, 'A/clerk');
    });

    it('/healthz answers 503 when the database does not', async () => {
      await s.db.sequelize.close();
      const r = await request(s.app).get('/healthz');
      assert.equal(r.status, 503);
      assert.deepEqual(r.body, { status: 'unavailable' });
    });

    it('404 for unknown routes, as JSON', async () => {
      const r = await request(s.app).get('/api/v1/nothing').set(bearer(s.tokens.clerkA));
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'not_found');
    });
  });
}

describe('service edges', () => {
  it('rate limit: 429 with Retry-After', async () => {
    const s = await testService('sqlite', { rateLimits: { perToken: 3 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await request(s.app).get('/api/v1/me').set({ Authorization: `Bearer ${s.tokens.clerkA}` })).status);
      assert.deepEqual(codes, [200, 200, 200, 429]);
      const r = await request(s.app).get('/api/v1/me').set({ Authorization: `Bearer ${s.tokens.clerkA}` });
      assert.ok(Number(r.headers['retry-after']) > 0);
      assert.equal(r.body.error.code, 'rate_limited');
      // Another token has its own budget.
      assert.equal((await request(s.app).get('/api/v1/me').set({ Authorization: `Bearer ${s.tokens.clerkB}` })).status, 200);
    } finally {
      await s.close();
    }
  });

  it('request logs never hold the token', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => { lines.push(String(c)); cb(); } });
    const s = await testService('sqlite', { logger: pino({ level: 'info' }, sink) });
    try {
      await request(s.app).get('/api/v1/me').set({ Authorization: `Bearer ${s.tokens.clerkA}` });
      await request(s.app).get('/api/v1/me').set({ Authorization: `Bearer lsk_wrong-token` });
      const log = lines.join('');
      assert.match(log, /\/api\/v1\/me/);
      assert.ok(!log.includes(s.tokens.clerkA));
      assert.ok(!log.includes('lsk_wrong-token'));
      assert.ok(!/authorization/i.test(log));
    } finally {
      await s.close();
    }
  });

  it('CORS answers the add-in origin only; helmet sets its headers', async () => {
    const s = await testService('sqlite', { corsOrigins: ['https://addin.example.gov.cn'] });
    try {
      const ok = await request(s.app).options('/api/v1/me').set({ Origin: 'https://addin.example.gov.cn', 'Access-Control-Request-Method': 'GET' });
      assert.equal(ok.headers['access-control-allow-origin'], 'https://addin.example.gov.cn');
      const other = await request(s.app).options('/api/v1/me').set({ Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' });
      assert.equal(other.headers['access-control-allow-origin'], undefined);
      const h = await request(s.app).get('/healthz');
      assert.equal(h.headers['x-content-type-options'], 'nosniff');
      assert.equal(h.headers['x-powered-by'], undefined);
    } finally {
      await s.close();
    }
  });
});
