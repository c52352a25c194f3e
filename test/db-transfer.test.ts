/**
 * A unit's data kept and moved as its IT would: a backup taken while clients push, restored into a
 * fresh database; every table copied SQLite → PostgreSQL → SQLite with the same API answers at each
 * end; one unit copied into a database holding others; and every refusal one line, nothing changed.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { cli } from './support/cli';
import { tmpDir } from './support/xlsx';
import { DIALECTS, Dialect, freshDbUrl, purchaseCells, purchasePush, pushWith, silentLogger, workbookPushes } from './support/service';
import { Db, openDb } from '../server/db';
import { createApp, reconcilerOf } from '../server/app';
import { createToken, revokeToken } from '../server/tokens';
import { backup } from '../server/backup';
import { tableCounts } from '../server/db-transfer';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');

interface Fixture {
  url: string;
  drop: () => Promise<void>;
  tokens: { reviewer: string; clerkA: string; clerkB: string };
}

/** Two units with January and February pushed, January of A closed, a token revoked: a year's worth in small. */
async function populated(dialect: Dialect): Promise<Fixture> {
  const { url, drop } = await freshDbUrl(dialect);
  const db = await openDb(url);
  try {
    const tokens = {
      clerkA: (await createToken(db, { unit: 'A', unitName: '甲单位', role: 'clerk' })).token,
      clerkB: (await createToken(db, { unit: 'B', unitName: '乙单位', role: 'clerk' })).token,
      reviewer: (await createToken(db, { unit: 'REVIEW', role: 'reviewer', expiresIn: '1y' })).token,
    };
    const gone = await createToken(db, { unit: 'A', role: 'clerk', label: '已离职' });
    await revokeToken(db, gone.id);
    const app = createApp(db, { logger: silentLogger() });
    const s = { db, app, tokens: { ...tokens, admin: '' }, close: async () => undefined };
    for (const token of [tokens.clerkA, tokens.clerkB]) {
      for (const period of ['2024-01', '2024-02']) {
        for (const p of await workbookPushes(SAMPLE, period)) assert.equal((await pushWith(s, token, p)).commit?.status, 201);
      }
    }
    await reconcilerOf(app).idle();
    const closed = await request(app).post('/api/v1/periods/2024-01/close').set({ Authorization: `Bearer ${tokens.reviewer}` }).send({ unit: 'A', override: '差异已报批' });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    await reconcilerOf(app).idle();
    return { url, drop, tokens };
  } finally {
    await db.close();
  }
}

/** What the service answers a reviewer about everything it holds. */
async function answers(url: string, reviewer: string, units = ['A', 'B']): Promise<Record<string, unknown>> {
  const db = await openDb(url);
  try {
    const app = createApp(db, { logger: silentLogger() });
    const get = async (p: string) => {
      const r = await request(app).get(`/api/v1${p}`).set({ Authorization: `Bearer ${reviewer}` });
      assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const out: Record<string, unknown> = { units: await get('/units') };
    for (const unit of units) {
      const snaps = await get(`/snapshots?unit=${unit}`);
      out[`snapshots ${unit}`] = snaps;
      for (const s of snaps.snapshots) out[`snapshot ${s.id}`] = await get(`/snapshots/${s.id}?limit=10000`);
      for (const period of ['2024-01', '2024-02']) {
        out[`findings ${unit} ${period}`] = await get(`/findings?period=${period}&unit=${unit}`);
        out[`period ${unit} ${period}`] = await get(`/periods/${period}?unit=${unit}`);
        out[`diff ${unit} ${period}`] = await get(`/periods/${period}/diff?unit=${unit}`);
      }
    }
    out.audit = (await get('/audit?limit=10000')).events;
    await reconcilerOf(app).idle();
    return out;
  } finally {
    await db.close();
  }
}

/** The answers about one unit with its database ids taken out (a unit copy gives new ones). */
function withoutIds(a: Record<string, unknown>, unit: string): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !/(^|_)id$|^snapshot$|token_id|^at$/.test(k)).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  const snaps = (a[`snapshots ${unit}`] as { snapshots: { id: number }[] }).snapshots;
  return strip({
    snapshots: a[`snapshots ${unit}`],
    rows: snaps.map((s) => (a[`snapshot ${s.id}`] as { rows: unknown }).rows),
    findings: ['2024-01', '2024-02'].map((p) => a[`findings ${unit} ${p}`]),
    periods: ['2024-01', '2024-02'].map((p) => a[`period ${unit} ${p}`]),
    audit: (a.audit as { unit: string; action: string; details: unknown; actor: string }[]).filter((e) => e.unit === unit).map((e) => [e.action, e.actor]),
  });
}

async function counts(url: string): Promise<Record<string, number>> {
  const db = await openDb(url);
  try {
    return await tableCounts(db);
  } finally {
    await db.close();
  }
}

describe('db copy, backup and restore', function () {
  this.timeout(300_000);

  it('db copy SQLite → PostgreSQL → SQLite: every table, the same API answers at each end, and says it verified them', async () => {
    const src = await populated('sqlite');
    const middle = await freshDbUrl(DIALECTS.includes('postgres') ? 'postgres' : 'sqlite');
    const back = await freshDbUrl('sqlite');
    try {
      const there = await cli('db', 'copy', '--from', src.url, '--to', middle.url);
      assert.equal(there.code, 0, there.err);
      assert.match(there.out, /^已将全部数据从 .* 复制到 .*：\d+ 行（24 个快照，审计记录 \d+ 条）；行数一致，24 个快照的内容摘要和数据逐一核对无误\n$/);
      const home = await cli('db', 'copy', '--from', middle.url, '--to', back.url, '--json');
      assert.equal(home.code, 0, home.err);
      const report = JSON.parse(home.out);
      assert.equal(report.verified, 24);
      assert.ok(!home.out.includes(':ledger@'), 'no password is printed');
      const before = await answers(src.url, src.tokens.reviewer);
      assert.deepEqual(await answers(middle.url, src.tokens.reviewer), before);
      assert.deepEqual(await answers(back.url, src.tokens.reviewer), before);
      // Sequences follow the copied ids: the next push and audit event get new ids, not taken ones.
      const db = await openDb(middle.url);
      try {
        const app = createApp(db, { logger: silentLogger() });
        const r = await pushWith({ db, app, tokens: { ...src.tokens, admin: '' }, close: async () => undefined }, src.tokens.clerkA, purchasePush(purchaseCells(2), '2024-03'));
        assert.equal(r.commit?.status, 201, JSON.stringify(r.commit?.body ?? r.open.body));
        assert.equal(r.commit!.body.snapshot_id, 25);
        await reconcilerOf(app).idle();
        // The audit trail stays append-only on the target.
        await assert.rejects(db.sequelize.query('DELETE FROM audit_events'), (e: { message?: string; parent?: { message?: string } }) => /append-only/.test(`${e.message} ${e.parent?.message}`));
      } finally {
        await db.close();
      }
    } finally {
      await src.drop();
      await middle.drop();
      await back.drop();
    }
  });

  for (const dialect of DIALECTS) {
    it(`db copy --unit on ${dialect}: one unit into a database that holds others, ids remapped, nothing of theirs changed`, async () => {
      const src = await populated('sqlite');
      const target = await populated(dialect);
      try {
        // The target's own A and B are renamed away so that A can come in beside them.
        const db = await openDb(target.url);
        await db.sequelize.query("UPDATE units SET code = 'OLD-' || code WHERE code IN ('A', 'B')");
        await db.close();
        const theirs = await answers(target.url, target.tokens.reviewer, ['OLD-A', 'OLD-B']);
        const r = await cli('db', 'copy', '--from', src.url, '--to', target.url, '--unit', 'A');
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /^已将单位 A 的数据从 .*：.*12 个快照.*12 个快照的内容摘要和数据逐一核对无误\n$/);
        const after = await answers(target.url, target.tokens.reviewer, ['OLD-A', 'OLD-B', 'A']);
        for (const k of Object.keys(theirs)) if (k !== 'units' && k !== 'audit') assert.deepEqual(after[k], theirs[k], k);
        assert.deepEqual(withoutIds(after, 'A'), withoutIds(await answers(src.url, src.tokens.reviewer), 'A'));
        // A's clerk signs in at the target with the token it had.
        const db2 = await openDb(target.url);
        try {
          const me = await request(createApp(db2, { logger: silentLogger() })).get('/api/v1/me').set({ Authorization: `Bearer ${src.tokens.clerkA}` });
          assert.deepEqual(me.body, { unit: 'A', role: 'clerk' });
        } finally {
          await db2.close();
        }
        const again = await cli('db', 'copy', '--from', src.url, '--to', target.url, '--unit', 'A');
        assert.equal(again.code, 2);
        assert.equal(again.err, 'ledger-sync: 目标数据库中已有单位 A：不会覆盖它的数据\n');
        const none = await cli('db', 'copy', '--from', src.url, '--to', target.url, '--unit', 'Z', '--lang', 'en');
        assert.equal(none.err, 'ledger-sync: the source database has no unit Z\n');
        assert.equal(none.code, 2);
      } finally {
        await src.drop();
        await target.drop();
      }
    });

    it(`backup on ${dialect} while clients push: restored into a fresh database it holds every snapshot committed before it began; integrity ok`, async () => {
      const { url, drop } = await freshDbUrl(dialect);
      const restored = await freshDbUrl(DIALECTS.includes('postgres') && dialect === 'sqlite' ? 'postgres' : 'sqlite');
      const dir = tmpDir();
      const file = path.join(dir, 'ledger-sync.backup');
      const db = await openDb(url);
      try {
        const app = createApp(db, { logger: silentLogger() });
        const tokens = await Promise.all(['U1', 'U2', 'U3'].map(async (u) => (await createToken(db, { unit: u, role: 'clerk' })).token));
        const s = { db, app, tokens: { clerkA: '', clerkB: '', reviewer: '', admin: '' }, close: async () => undefined };
        const committed = new Set<number>();
        let stop = false;
        const pushers = tokens.map(async (token, i) => {
          for (let n = 0; !stop && n < 40; n++) {
            const r = await pushWith(s, token, purchasePush(purchaseCells(200, `${i}-${n}-`), `2024-0${1 + (n % 9)}`));
            if (r.commit?.status === 201) committed.add(r.commit.body.snapshot_id);
          }
        });
        while (committed.size < 6) await new Promise((r) => setTimeout(r, 20));
        const before = new Set(committed);
        const report = await backup(db, file);
        stop = true;
        await Promise.all(pushers);
        await reconcilerOf(app).idle();
        assert.equal(report.integrity, 'ok');
        assert.ok(committed.size > before.size, 'pushes went on beside the backup');
        assert.equal(await cli('backup', '--out', file, '--db', url).then((r) => r.code), 2, 'an existing backup file is not written over');
        const r = await cli('restore', file, '--db', restored.url);
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /^已恢复到 .*：.*行数一致/);
        const back = await openDb(restored.url);
        try {
          const ids = new Set((await back.models.Snapshot.findAll()).map((x) => x.id));
          for (const id of before) assert.ok(ids.has(id), `snapshot ${id} committed before the backup is restored`);
          if (back.dialect === 'sqlite') assert.deepEqual(await back.sequelize.query('PRAGMA integrity_check', { type: QueryTypes.SELECT }), [{ integrity_check: 'ok' }]);
          assert.equal(await back.models.AuditEvent.count(), report.tables.audit_events);
        } finally {
          await back.close();
        }
      } finally {
        await db.close();
        await drop();
        await restored.drop();
      }
    });
  }

  it('every refusal is one line and exit 2, and neither database changes: non-empty target, other migrations, existing file, damaged or foreign backup, a database that does not connect', async () => {
    const src = await populated('sqlite');
    const other = await populated('sqlite');
    const dir = tmpDir();
    const file = path.join(dir, 'b.sqlite');
    try {
      const srcCounts = await counts(src.url);
      const otherCounts = await counts(other.url);
      const oneLine = (r: { code: number; out: string; err: string }, words: RegExp) => {
        assert.equal(r.code, 2, r.out + r.err);
        assert.equal(r.out, '');
        assert.match(r.err, words);
        assert.equal(r.err.trim().split('\n').length, 1, r.err);
      };
      oneLine(await cli('db', 'copy', '--from', src.url, '--to', other.url), /目标数据库不是空的/);
      // A target at another schema version: a migration this version does not know.
      const db = await openDb(other.url);
      await db.sequelize.query("INSERT INTO schema_migrations (name) VALUES ('999-from-the-future')");
      await db.close();
      const fresh = await freshDbUrl('sqlite');
      oneLine(await cli('db', 'copy', '--from', other.url, '--to', fresh.url), /结构版本不同/);
      oneLine(await cli('db', 'copy', '--from', src.url, '--to', 'postgres://nobody:secret@127.0.0.1:1/none', '--lang', 'en'), /^ledger-sync: cannot open the target database postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
      assert.equal((await cli('backup', '--out', file, '--db', src.url)).code, 0);
      oneLine(await cli('backup', '--out', file, '--db', src.url), /已存在：备份不会覆盖已有文件/);
      // Damaged: the file cut short. Foreign: a workbook. Neither is restored, the target stays empty.
      const cut = path.join(dir, 'cut.sqlite');
      writeFileSync(cut, readFileSync(file).subarray(0, Math.floor(readFileSync(file).length / 2)));
      const target = await freshDbUrl('sqlite');
      oneLine(await cli('restore', cut, '--db', target.url), /备份文件已损坏|无法作为备份读取/);
      oneLine(await cli('restore', SAMPLE, '--db', target.url), /不是 ledger-sync 的备份文件/);
      oneLine(await cli('restore', path.join(dir, 'none.sqlite'), '--db', target.url), /找不到备份文件/);
      assert.ok(Object.values(await counts(target.url)).every((n) => n === 0));
      oneLine(await cli('restore', file, '--db', other.url), /目标数据库不是空的/);
      assert.deepEqual(await counts(src.url), srcCounts);
      assert.deepEqual(await counts(other.url), otherCounts);
      assert.ok(!existsSync(`${file}.partial`));
      // --force replaces everything the target held with the backup's; the restored service answers as the original.
      const forced = await cli('restore', file, '--db', other.url, '--force');
      assert.equal(forced.code, 0, forced.err);
      assert.deepEqual(await counts(other.url), srcCounts);
      assert.deepEqual(await answers(other.url, src.tokens.reviewer), await answers(src.url, src.tokens.reviewer));
      const into = await cli('restore', file, '--db', target.url, '--json');
      assert.equal(JSON.parse(into.out).integrity, 'ok');
      assert.deepEqual(await answers(target.url, src.tokens.reviewer), await answers(src.url, src.tokens.reviewer));
    } finally {
      await src.drop();
      await other.drop();
    }
  });
});
