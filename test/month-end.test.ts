import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { reconcilerOf } from '../server/app';
import { countRows } from '../server/row-store';
import { nodeHasher } from '../server/node-hasher';
import { PreparedPush, contentHash } from '../shared/push';
import { diffLedger } from '../shared/diff';
import { LedgerRow } from '../shared/validate';
import { cli } from './support/cli';
import { DIALECTS, TestService, purchaseCells, purchasePush, pushWith, testService, workbookPushes } from './support/service';
import { tmpDir } from './support/xlsx';
import * as XLSX from '@e965/xlsx';
import { englishInChinese, numbersWiderThanColumns, readBack, wordsOfBook } from './support/clerk-words';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

/** A prepared push with some rows edited and its hash made again, as a clerk's next month would be. */
function edited(p: PreparedPush, edit: (rows: PreparedPush['rows'], sourceRows: PreparedPush['sourceRows']) => void, period = p.open.period): PreparedPush {
  const rows = p.rows.map((r) => [...r]);
  const sourceRows = p.sourceRows.map((r) => [...r] as [number, number]);
  edit(rows, sourceRows);
  const open = { ...p.open, period, row_count: rows.length };
  open.content_hash = contentHash(open, rows, sourceRows, nodeHasher);
  return { ...p, open, rows, sourceRows };
}

function row(purchase_id: string, quantity: number, amount: number, r: number): LedgerRow {
  return { sheet: '合同台账', row: r, valid: true, raw: {}, values: { purchase_id, quantity, unit_price: amount / quantity, amount, item_name: '台式计算机', date: '2024-01-05' } };
}

describe('diff of two snapshots (shared)', () => {
  it('finds rows added, removed and changed field by field, by the id field', () => {
    const before = [row('HT-1', 1, 500_000, 2), row('HT-2', 2, 1_000_000, 3), row('HT-3', 1, 300_000, 4)];
    const after = [row('HT-1', 1, 500_000, 2), row('HT-2', 3, 1_500_000, 3), row('HT-4', 5, 2_500_000, 4)];
    const d = diffLedger('purchase', before, after);
    assert.deepEqual(d.added.map((r) => [r.key, r.row, r.values.amount]), [['HT-4', 4, '25000.00']]);
    assert.deepEqual(d.removed.map((r) => [r.key, r.row]), [['HT-3', 4]]);
    assert.deepEqual(d.changed, [{ key: 'HT-2', sheet: '合同台账', row: 3, previous_sheet: '合同台账', previous_row: 3, changes: [
      { field: 'quantity', before: 2, after: 3 },
      { field: 'amount', before: '10000.00', after: '15000.00' },
    ] }]);
    assert.equal(d.unchanged, 1);
    assert.deepEqual(d.unmatched, { before: 0, after: 0 });
  });

  it('matches events and budget lines by the fields that make them one; rows without a key are counted apart', () => {
    const ev = (asset_id: string | null, date: string, cost: number): LedgerRow => ({ sheet: '资产变动', row: 2, valid: true, raw: {}, values: { asset_id, date, event: 'repair', cost } });
    const d = diffLedger('asset_event', [ev('ZC-1', '2024-01-04', 10_000), ev(null, '2024-01-05', 1)], [ev('ZC-1', '2024-01-04', 12_000), ev('ZC-1', '2024-01-04', 1)]);
    assert.deepEqual(d.changed.map((c) => [c.key, c.changes]), [['ZC-1 / 2024-01-04 / repair', [{ field: 'cost', before: '100.00', after: '120.00' }]]]);
    assert.deepEqual(d.unmatched, { before: 1, after: 1 });
    const text = diffLedger('purchase', [{ ...row('HT-9', 1, 100, 2), values: { purchase_id: 'HT-9', quantity: null }, raw: { quantity: '约5台' } }], [row('HT-9', 5, 100, 2)]);
    assert.deepEqual(text.changed[0]!.changes.find((c) => c.field === 'quantity'), { field: 'quantity', before: '约5台', after: 5 });
  });
});

for (const dialect of DIALECTS) {
  describe(`month-end on ${dialect}`, function () {
    this.timeout(120_000);
    let s: TestService;
    beforeEach(async () => {
      s = await testService(dialect);
    });
    afterEach(() => s.close());

    const close = (token: string, period: string, body: object = {}) => request(s.app).post(`/api/v1/periods/${period}/close`).set(bearer(token)).send(body);
    const reopen = (token: string, period: string, body: object = {}) => request(s.app).post(`/api/v1/periods/${period}/reopen`).set(bearer(token)).send(body);

    it('a closed month refuses pushes, naming who closed it and when, and stores nothing; reopened, it takes them', async () => {
      const jan = purchasePush(purchaseCells(3), '2024-01');
      assert.equal((await pushWith(s, s.tokens.clerkA, jan)).commit!.status, 201);
      const closed = await close(s.tokens.reviewer, '2024-01', { unit: 'A', override: '无计划的采购已另行报批' });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      assert.equal(closed.body.status, 'closed');
      assert.equal(closed.body.changed_by, 'REVIEW/reviewer');
      const before = { snapshots: await s.db.models.Snapshot.count(), rows: await countRows(s.db, 'purchase') };
      const change = purchasePush(purchaseCells(4), '2024-01');
      const refused = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(change.open);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'period_closed');
      assert.match(refused.body.error.message, /period 2024-01 was closed by REVIEW\/reviewer at 20\d\d-\d\d-\d\dT[\d:.]+Z; nothing was stored/);
      assert.deepEqual({ snapshots: await s.db.models.Snapshot.count(), rows: await countRows(s.db, 'purchase') }, before);
      const state = await request(s.app).get('/api/v1/periods/2024-01').set(bearer(s.tokens.clerkA));
      assert.deepEqual([state.body.status, state.body.changed_by, state.body.reason], ['closed', 'REVIEW/reviewer', '无计划的采购已另行报批']);

      const again = await reopen(s.tokens.reviewer, '2024-01', { unit: 'A', reason: '补录一笔合同' });
      assert.equal(again.status, 200);
      assert.deepEqual([again.body.status, again.body.reason], ['open', '补录一笔合同']);
      assert.equal((await pushWith(s, s.tokens.clerkA, change)).commit!.status, 201);
      assert.equal(await s.db.models.Snapshot.count(), 2);
    });

    it('a push begun before the close cannot commit after it', async () => {
      const p = purchasePush(purchaseCells(3), '2024-01');
      const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
      await request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set(bearer(s.tokens.clerkA)).type('json').send(JSON.stringify({ rows: p.rows, source_rows: p.sourceRows }));
      assert.equal((await close(s.tokens.reviewer, '2024-01', { unit: 'A' })).status, 200); // nothing pushed yet: no errors
      const commit = await request(s.app).post(`/api/v1/pushes/${open.body.push_id}/commit`).set(bearer(s.tokens.clerkA));
      assert.equal(commit.status, 409);
      assert.equal(commit.body.error.code, 'period_closed');
      assert.equal(await s.db.models.Snapshot.count(), 0);
    });

    it('closing waits for a month without errors unless overridden with a reason; both ways are in the audit trail', async () => {
      for (const p of await workbookPushes(SAMPLE, '2024-06')) await pushWith(s, s.tokens.clerkA, p);
      const refused = await close(s.tokens.reviewer, '2024-06', { unit: 'A' });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'period_has_errors');
      assert.match(refused.body.error.message, /A 2024-06 has 7 error-level findings/);
      assert.equal((await request(s.app).get('/api/v1/periods/2024-06?unit=A').set(bearer(s.tokens.reviewer))).body.status, 'open');
      const blank = await close(s.tokens.reviewer, '2024-06', { unit: 'A', override: '   ' });
      assert.equal(blank.status, 400);
      assert.equal(blank.body.error.field, 'override');
      const ok = await close(s.tokens.reviewer, '2024-06', { unit: 'A', override: 'E02 凭证已由财政核销' });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body.findings_summary, { error: 7, warning: 1, info: 6 });
      assert.equal((await close(s.tokens.reviewer, '2024-06', { unit: 'A', override: 'again' })).status, 409);
      const noReason = await reopen(s.tokens.reviewer, '2024-06', { unit: 'A' });
      assert.equal(noReason.status, 400);
      assert.equal(noReason.body.error.field, 'reason');
      assert.equal((await reopen(s.tokens.reviewer, '2024-06', { unit: 'A', reason: '更正 E02' })).status, 200);
      assert.equal((await reopen(s.tokens.reviewer, '2024-06', { unit: 'A', reason: '更正 E02' })).status, 409);

      const audit = await request(s.app).get('/api/v1/audit?period=2024-06').set(bearer(s.tokens.reviewer));
      assert.equal(audit.status, 200);
      const month = audit.body.events.filter((e: { action: string }) => e.action === 'close' || e.action === 'reopen');
      assert.deepEqual(month.map((e: { action: string; unit: string; actor: string }) => [e.action, e.unit, e.actor]), [['close', 'A', 'REVIEW/reviewer'], ['reopen', 'A', 'REVIEW/reviewer']]);
      assert.equal(month[0].details.override, 'E02 凭证已由财政核销');
      assert.deepEqual(month[0].details.findings, { error: 7, warning: 1, info: 6 });
      assert.equal(Object.keys(month[0].details.snapshots).length, 6);
      assert.equal(month[1].details.reason, '更正 E02');
      assert.ok(audit.body.events.some((e: { action: string }) => e.action === 'commit'));
    });

    it('the board shows every unit × the month: pushed when and by whom, findings by severity, open or closed (reviewers only)', async () => {
      for (const p of await workbookPushes(SAMPLE, '2024-06')) await pushWith(s, s.tokens.clerkA, p);
      assert.equal((await close(s.tokens.reviewer, '2024-06', { unit: 'A', override: '已报批' })).status, 200);
      const board = await request(s.app).get('/api/v1/periods/2024-06/board').set(bearer(s.tokens.reviewer));
      assert.equal(board.status, 200, JSON.stringify(board.body));
      assert.equal(board.body.period, '2024-06');
      const byUnit = new Map(board.body.units.map((u: { unit: string }) => [u.unit, u]));
      const a = byUnit.get('A') as Record<string, unknown>;
      assert.equal(a.status, 'closed');
      assert.equal(a.changed_by, 'REVIEW/reviewer');
      assert.equal(a.snapshots, 6);
      assert.match(String(a.last_push_at), /^2\d{3}-\d\d-\d\dT/);
      assert.match(String(a.last_push_by), /^A\//);
      assert.deepEqual(a.findings_summary, { error: 7, warning: 1, info: 6 });
      const b = byUnit.get('B') as Record<string, unknown>;
      assert.deepEqual([b.status, b.snapshots, b.last_push_at, b.last_push_by], ['open', 0, null, null]);
      assert.deepEqual(b.findings_summary, { error: 0, warning: 0, info: 0 });
      assert.equal((await request(s.app).get('/api/v1/periods/2024-06/board').set(bearer(s.tokens.clerkA))).status, 403);
      assert.equal((await request(s.app).get('/api/v1/periods/2024-6/board').set(bearer(s.tokens.reviewer))).status, 400);
    });

    it('clerks cannot close, reopen or read the audit trail (403), nor see another unit’s diff (404)', async () => {
      assert.equal((await close(s.tokens.clerkA, '2024-01')).status, 403);
      assert.equal((await reopen(s.tokens.clerkA, '2024-01', { reason: 'x' })).status, 403);
      assert.equal((await request(s.app).get('/api/v1/audit').set(bearer(s.tokens.clerkA))).status, 403);
      assert.equal((await request(s.app).get('/api/v1/periods/2024-02/diff?unit=A').set(bearer(s.tokens.clerkB))).status, 404);
      assert.equal((await request(s.app).get('/api/v1/periods/2024-02?unit=A').set(bearer(s.tokens.clerkB))).status, 404);
      assert.equal((await request(s.app).get('/api/v1/periods/2024-02/diff?unit=A').set(bearer(s.tokens.reviewer))).status, 200);
      assert.equal((await request(s.app).get('/api/v1/periods/2024-13/diff').set(bearer(s.tokens.clerkA))).status, 400);
      assert.equal((await close(s.tokens.reviewer, '2024-01', { unit: 'NOPE' })).status, 404);
    });

    it('the audit trail is append-only: the database refuses to change or delete an event', async () => {
      await pushWith(s, s.tokens.clerkA, purchasePush(purchaseCells(2)));
      const n = await s.db.models.AuditEvent.count();
      assert.ok(n >= 5);
      // The database's own message (Sequelize wraps it: SQLite's RAISE reads as a constraint error).
      const appendOnly = (e: { message?: string; parent?: { message?: string } }) => /append-only/.test(`${e.message} ${e.parent?.message}`);
      await assert.rejects(s.db.sequelize.query("UPDATE audit_events SET actor = 'someone else'"), appendOnly);
      await assert.rejects(s.db.sequelize.query('DELETE FROM audit_events'), appendOnly);
      await assert.rejects((await s.db.models.AuditEvent.findOne())!.destroy(), appendOnly);
      assert.equal(await s.db.models.AuditEvent.count(), n);
    });

    it('an end-to-end month-end: two units push January and February, January is closed and stays as it was, February’s diff and the reviewer’s analysis are written', async () => {
      const listening = http.createServer(s.app).listen(0);
      const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
      try {
        const jan = await workbookPushes(SAMPLE, '2024-01');
        // February: one contract's quantity and amount corrected, one contract removed, one added.
        const feb = (await workbookPushes(SAMPLE, '2024-02')).map((p) =>
          p.open.kind !== 'purchase' ? p : edited(p, (rows, src) => {
            const q = p.open.columns[0]!;
            const col = (f: string) => q[f]!.charCodeAt(0) - 65;
            const at = (id: string) => rows.findIndex((r) => r[col('purchase_id')] === id);
            rows[at('HT-2024-001')]![col('quantity')] = 2;
            rows[at('HT-2024-001')]![col('amount')] = 730000;
            const gone = at('HT-2024-002');
            rows.splice(gone, 1);
            src.splice(gone, 1);
            rows.push([...rows[rows.length - 1]!]);
            rows[rows.length - 1]![col('purchase_id')] = 'HT-2024-900';
            src.push([src[src.length - 1]![0], src[src.length - 1]![1] + 1]);
          }),
        );
        for (const token of [s.tokens.clerkA, s.tokens.clerkB]) {
          for (const p of [...jan, ...feb]) {
            const r = await pushWith(s, token, p);
            assert.equal(r.commit?.status, 201, `${p.open.kind} ${p.open.period}: ${JSON.stringify(r.commit?.body ?? r.open.body)}`);
          }
        }
        await reconcilerOf(s.app).idle();

        const closed = await cli('close', '--server', url, '--token', s.tokens.reviewer, '--period', '2024-01', '--unit', 'A', '--override', '一月差异已说明');
        assert.equal(closed.code, 0, closed.err);
        assert.match(closed.out, /^A 2024-01：已结账（REVIEW 复核人员，20\d\d-\d\d-\d\d \d\d:\d\d(:\d\d)?，一月差异已说明）；\d+ 个错误/);
        const heads = (await s.db.models.LedgerHead.findAll({ where: { period: '2024-01' } })).map((h) => h.snapshot_id).sort();
        const change = edited(jan.find((p) => p.open.kind === 'purchase')!, (rows) => void rows.pop());
        const refused = await pushWith(s, s.tokens.clerkA, change);
        assert.equal(refused.open.status, 409);
        const byCli = await cli('push', SAMPLE, '--server', url, '--token', s.tokens.clerkA, '--period', '2024-01');
        assert.equal(byCli.code, 2);
        assert.match(byCli.err, /被拒绝：2024-01 已由 REVIEW 复核人员 于 \d{4}-\d\d-\d\d \d\d:\d\d 结账，本次未保存任何内容/);
        assert.deepEqual((await s.db.models.LedgerHead.findAll({ where: { period: '2024-01' } })).map((h) => h.snapshot_id).sort(), heads);
        // Unit B's January is still open.
        const bPush = await pushWith(s, s.tokens.clerkB, change);
        assert.equal(bPush.commit!.status, 201, JSON.stringify(bPush.commit!.body));

        const dir = tmpDir();
        const diffFile = path.join(dir, 'feb-diff.xlsx');
        const diff = await cli('diff', '--server', url, '--token', s.tokens.clerkA, '--period', '2024-02', '--out', diffFile, '--json');
        assert.equal(diff.code, 0, diff.err);
        const d = JSON.parse(diff.out);
        // As text, the values as the ledger shows them.
        const text = await cli('diff', '--server', url, '--token', s.tokens.clerkA, '--period', '2024-02');
        assert.match(text.out, /\n {4}~ HT-2024-001 {2}数量：1 → 2；金额：365,000\.00 → 730,000\.00\n/);
        const purchases = d.ledgers.find((l: { kind: string }) => l.kind === 'purchase');
        assert.deepEqual(purchases.added.map((r: { key: string }) => r.key), ['HT-2024-900']);
        assert.deepEqual(purchases.removed.map((r: { key: string }) => r.key), ['HT-2024-002']);
        assert.deepEqual(purchases.changed.map((r: { key: string; changes: { field: string }[] }) => [r.key, r.changes.map((c) => c.field)]), [['HT-2024-001', ['quantity', 'amount']]]);
        assert.ok(d.ledgers.filter((l: { kind: string }) => l.kind !== 'purchase').every((l: { added: unknown[]; removed: unknown[]; changed: unknown[] }) => !l.added.length && !l.removed.length && !l.changed.length));
        const book = new ExcelJS.Workbook();
        await book.xlsx.readFile(diffFile);
        const ws = book.getWorksheet('本月变动')!;
        assert.match(String(ws.getCell('A1').value), /^A 2024-02 本月变动（对比 2024-01）$/);
        assert.deepEqual((ws.getRow(4).values as unknown[]).slice(1), ['台账', '变动', '编号', '字段', '原值', '新值', '工作表', '行']);
        const body = [5, 6, 7, 8].map((n) => Array.from((ws.getRow(n).values as unknown[]).slice(1, 7)));
        assert.deepEqual(body, [
          ['采购执行', '新增', 'HT-2024-900', undefined, undefined, undefined],
          ['采购执行', '删除', 'HT-2024-002', undefined, undefined, undefined],
          ['采购执行', '修改', 'HT-2024-001', '数量', 1, 2],
          ['采购执行', '修改', 'HT-2024-001', '金额', '365,000.00', '730,000.00'],
        ]);

        // The reviewer's view across units: a unit column, both units in every table.
        const all = await request(s.app).get('/api/v1/analysis?period=2024-02').set(bearer(s.tokens.reviewer));
        assert.equal(all.status, 200);
        assert.equal(all.body.unit, '*');
        for (const key of ['summary', 'departments', 'expenses', 'plan_lines']) {
          assert.equal(all.body.tables[key].columns[0], 'unit', key);
          assert.deepEqual([...new Set(all.body.tables[key].rows.map((r: unknown[]) => r[0]))].filter(Boolean), ['A', 'B'], key);
        }
        const one = await request(s.app).get('/api/v1/analysis?period=2024-02&unit=A').set(bearer(s.tokens.reviewer));
        const summary = all.body.tables.summary;
        const total = summary.rows.at(-1);
        const oneTotal = one.body.tables.summary.rows.at(-1);
        const c = summary.columns.indexOf('plan_amount');
        assert.equal(total[c], (Number(oneTotal[c - 1]) * 2).toFixed(2), 'both units hold the same plan: the total is twice one unit’s');
        const report = path.join(dir, 'all-units.xlsx');
        const r = await cli('report', '--server', url, '--token', s.tokens.reviewer, '--period', '2024-02', '--out', report);
        assert.equal(r.code, 0, r.err);
        const rb = new ExcelJS.Workbook();
        await rb.xlsx.readFile(report);
        assert.match(String(rb.getWorksheet('部门对比')!.getCell('A1').value), /^全部单位 2024年2月 预算执行分析 — 部门对比$/);
        assert.equal(rb.getWorksheet('部门对比')!.getCell('A4').value, '单位');

        const auditFile = path.join(dir, 'audit.xlsx');
        const a = await cli('audit', '--server', url, '--token', s.tokens.reviewer, '--period', '2024-01', '--out', auditFile);
        assert.equal(a.code, 0, a.err);
        const ab = new ExcelJS.Workbook();
        await ab.xlsx.readFile(auditFile);
        const aws = ab.getWorksheet('审计记录')!;
        const actions: unknown[] = [];
        const sentences: string[] = [];
        aws.eachRow((rw, n) => { if (n > 4) { actions.push(rw.getCell(6).value); sentences.push(String(rw.getCell(7).value)); } });
        assert.ok(actions.includes('结账') && actions.includes('提交快照'), JSON.stringify(actions));
        // Each event one sentence in the clerk's words, never JSON.
        assert.ok(sentences.some((t) => /^A 经办人员 推送 [\u4e00-\u9fa5]+ \d[\d,]* 行（快照 \d+）；错误 \d+，警告 \d+，提示 \d+$/.test(t)), JSON.stringify(sentences));
        assert.ok(sentences.some((t) => /^REVIEW 复核人员 结账 A 2024-01；/.test(t)), JSON.stringify(sentences));
        for (const t of sentences) assert.doesNotMatch(t, /[{}"]|_id\b/, t);
        // Times on the deployment's clock (TZ unset here: China's), never UTC ISO strings.
        const first = (await s.db.models.AuditEvent.findAll({ where: { period: '2024-01' }, order: [['id', 'ASC']] }))[0]!;
        const shanghai = new Date(new Date(first.at).getTime() + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 16);
        const times: unknown[] = [];
        aws.eachRow((rw, n) => { if (n > 4) times.push(rw.getCell(2).value); });
        assert.ok(times.every((t) => typeof t === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(t)), JSON.stringify(times.slice(0, 3)));
        if (!process.env.TZ) assert.equal(times[0], shanghai);
        // Every sheet a reviewer hands on — the report, 本月变动, 审计记录 — in the clerk's words: English only
        // where quoted from the ledgers, the units' codes or the workbooks' names; no number wider than its column.
        const pushed = (await s.db.models.Snapshot.findAll()).map((x) => x.source_workbook);
        const quoted = wordsOfBook(await readBack(SAMPLE), [...pushed, 'REVIEW ADMIN']);
        for (const file of [report, diffFile, auditFile]) {
          const grids = await readBack(file);
          assert.deepEqual(englishInChinese(grids, grids.map((g) => g.name), quoted), [], file);
          assert.deepEqual(numbersWiderThanColumns(XLSX.readFile(file, { cellStyles: true, cellNF: true }), grids.map((g) => g.name)), [], file);
        }
        const denied = await cli('audit', '--server', url, '--token', s.tokens.clerkA, '--out', path.join(dir, 'x.xlsx'));
        assert.equal(denied.code, 2);
        assert.match(denied.err, /HTTP 403/);
      } finally {
        await new Promise((resolve) => listening.close(resolve));
      }
    });
  });
}

describe('no code path updates or deletes an audit event', () => {
  it('the server source never calls update, destroy or raw UPDATE/DELETE on audit events', () => {
    const dir = path.join(__dirname, '..', 'server');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.ts')) files.push(path.join(d, e.name));
      }
    };
    walk(dir);
    assert.ok(files.length > 10);
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      assert.doesNotMatch(src, /AuditEvent\s*\.\s*(update|destroy|upsert|truncate|restore)\b/, f);
      assert.doesNotMatch(src, /(UPDATE|DELETE\s+FROM)\s+"?audit_events"?\s/i, f);
    }
  });
});
