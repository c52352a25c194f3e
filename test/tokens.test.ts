/**
 * A token's life as a unit's IT runs it: created with an expiry, listed without its secret, revoked;
 * revoked and expired tokens refused with 401 saying which and whom to ask; all of it audited.
 */
import assert from 'node:assert/strict';
import request from 'supertest';
import { cli } from './support/cli';
import { DIALECTS, TestService, freshDbUrl, silentLogger, testService } from './support/service';
import { createApp } from '../server/app';
import { openDb } from '../server/db';
import { expiryOf } from '../server/tokens';

const DAY = 86_400_000;

describe('token expiry', () => {
  it('reads durations and never (admin only), and nothing else', () => {
    const now = new Date('2026-12-06T00:00:00Z');
    const cases: [string, string, number | null | undefined][] = [
      ['90d', 'clerk', 90], ['12w', 'clerk', 84], ['6m', 'reviewer', 180], ['1y', 'admin', 365], ['1d', 'clerk', 1],
      ['never', 'admin', null], ['0d', 'clerk', undefined], ['90', 'clerk', undefined], ['11y', 'clerk', undefined], ['-1d', 'clerk', undefined], ['soon', 'clerk', undefined],
    ];
    for (const [text, role, days] of cases) {
      const e = expiryOf(text, role, now);
      assert.deepEqual(e === undefined || e === null ? e : (e.getTime() - now.getTime()) / DAY, days, text);
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`tokens on ${dialect}`, function () {
    this.timeout(60_000);

    it('through the CLI: create (90 days by default), list without the secret, revoke; a revoked token is refused with 401 in zh and en; all audited', async () => {
      const { url, drop } = await freshDbUrl(dialect);
      try {
        const made = await cli('token', 'create', '--unit', '001', '--unit-name', '某某局', '--role', 'clerk', '--label', '张会计', '--db', url);
        assert.equal(made.code, 0, made.err);
        const token = made.out.trim();
        assert.match(token, /^lsk_/);
        assert.match(made.err, /已为单位 001 创建令牌（编号 1，角色 clerk，有效期至 \d{4}-/);
        const admin = await cli('token', 'create', '--unit', 'IT', '--role', 'admin', '--expires-in', 'never', '--db', url, '--json');
        assert.equal(JSON.parse(admin.out).expires_at, null);
        const refused = await cli('token', 'create', '--unit', '001', '--role', 'clerk', '--expires-in', 'never', '--db', url);
        assert.equal(refused.code, 2);
        assert.equal(refused.err, 'ledger-sync: 有效期：只有管理员的令牌可以永不过期（never），请给出期限，如 90d\n');

        const list = await cli('token', 'list', '--db', url, '--json');
        assert.equal(list.code, 0, list.err);
        assert.ok(!list.out.includes(token) && !list.out.includes(token.slice(4, 20)), 'the secret is never listed');
        const tokens = JSON.parse(list.out).tokens;
        assert.deepEqual(tokens.map((t: { id: number; unit: string; role: string; label: string | null; state: string }) => [t.id, t.unit, t.role, t.label, t.state]), [[1, '001', 'clerk', '张会计', 'active'], [2, 'IT', 'admin', null, 'active']]);
        const days = (new Date(tokens[0].expires_at).getTime() - new Date(tokens[0].created_at).getTime()) / DAY;
        assert.equal(days, 90);
        assert.deepEqual(Object.keys(tokens[0]).sort(), ['created_at', 'expires_at', 'id', 'label', 'last_used_at', 'revoked_at', 'role', 'state', 'unit']);
        const text = await cli('token', 'list', '--db', url);
        assert.match(text.out, /^编号\t单位\t角色\t说明\t创建\t最近使用\t到期\t状态\n1\t001\tclerk\t张会计\t.*\t—\t.*\t有效\n2\tIT\tadmin\t\t.*\t永不\t有效\n$/);

        const db = await openDb(url);
        try {
          const app = createApp(db, { logger: silentLogger() });
          assert.equal((await request(app).get('/api/v1/me').set({ Authorization: `Bearer ${token}` })).status, 200);
          const revoked = await cli('token', 'revoke', '1', '--db', url);
          assert.equal(revoked.code, 0, revoked.err);
          assert.match(revoked.out, /^令牌 1（单位 001，clerk）已于 .* 吊销\n$/);
          const zh = await request(app).get('/api/v1/me').set({ Authorization: `Bearer ${token}`, 'Accept-Language': 'zh-CN,zh;q=0.9' });
          assert.equal(zh.status, 401);
          assert.equal(zh.body.error.code, 'token_revoked');
          assert.match(zh.body.error.message, /^此令牌已于 \d{4}-\d\d-\d\d \d\d:\d\d 被吊销，不能再使用：请向本单位负责 ledger-sync 的管理员申请新令牌$/);
          const en = await request(app).get('/api/v1/me').set({ Authorization: `Bearer ${token}` });
          assert.match(en.body.error.message, /^this token was revoked on .* ask the administrator/);
          const again = await cli('token', 'revoke', '1', '--db', url, '--json');
          assert.equal(JSON.parse(again.out).state, 'revoked');
          const none = await cli('token', 'revoke', '99', '--db', url);
          assert.equal(none.code, 2);
          assert.equal(none.err, 'ledger-sync: 没有编号为 99 的令牌：请在令牌列表中核对编号\n');
          const actions = (await db.models.AuditEvent.findAll({ order: [['id', 'ASC']] })).map((e) => [e.action, JSON.parse(e.details).why ?? '']);
          assert.deepEqual(actions, [['token_create', ''], ['token_create', ''], ['token_revoke', ''], ['token_refused', 'revoked'], ['token_refused', 'revoked']]);
        } finally {
          await db.close();
        }
      } finally {
        await drop();
      }
    });

    describe('through the API', () => {
      let s: TestService;
      beforeEach(async () => {
        s = await testService(dialect);
      });
      afterEach(async () => {
        await s.close();
      });
      const admin = () => ({ Authorization: `Bearer ${s.tokens.admin}` });

      it('an admin creates with an expiry, lists without secrets and revokes; others may not; the routes are in the OpenAPI document', async () => {
        const made = await request(s.app).post('/api/v1/tokens').set(admin()).send({ unit: 'C', role: 'clerk', label: '出纳', expires_in: '30d' });
        assert.equal(made.status, 201, JSON.stringify(made.body));
        const days = (new Date(made.body.expires_at).getTime() - Date.now()) / DAY;
        assert.ok(days > 29.9 && days <= 30, String(days));
        assert.equal((await request(s.app).post('/api/v1/tokens').set(admin()).send({ unit: 'C', role: 'clerk', expires_in: 'never' })).status, 400);
        assert.equal((await request(s.app).post('/api/v1/tokens').set(admin()).send({ unit: 'C', role: 'clerk', expires_in: '5 days' })).body.error.field, 'expires_in');
        const list = await request(s.app).get('/api/v1/tokens?unit=C').set(admin());
        assert.equal(list.status, 200);
        assert.deepEqual(list.body.tokens.map((t: { id: number; label: string }) => [t.id, t.label]), [[made.body.id, '出纳']]);
        assert.ok(!JSON.stringify(list.body).includes(made.body.token) && !/token_hash/.test(JSON.stringify(list.body)));
        for (const who of [s.tokens.clerkA, s.tokens.reviewer]) {
          assert.equal((await request(s.app).get('/api/v1/tokens').set({ Authorization: `Bearer ${who}` })).status, 403);
          assert.equal((await request(s.app).post(`/api/v1/tokens/${made.body.id}/revoke`).set({ Authorization: `Bearer ${who}` })).status, 403);
        }
        const r = await request(s.app).post(`/api/v1/tokens/${made.body.id}/revoke`).set(admin());
        assert.equal(r.status, 200);
        assert.equal(r.body.state, 'revoked');
        assert.equal((await request(s.app).post('/api/v1/tokens/999/revoke').set(admin())).status, 404);
        assert.equal((await request(s.app).get('/api/v1/me').set({ Authorization: `Bearer ${made.body.token}` })).body.error.code, 'token_revoked');
        const doc = (await request(s.app).get('/api/v1/openapi.json')).body;
        assert.ok(doc.paths['/api/v1/tokens'].get && doc.paths['/api/v1/tokens'].post && doc.paths['/api/v1/tokens/{id}/revoke'].post, Object.keys(doc.paths).join(' '));
        const audit = (await s.db.models.AuditEvent.findAll({ where: { action: 'token_revoke' } })).map((e) => [e.actor, JSON.parse(e.details).token_id]);
        assert.deepEqual(audit, [['ADMIN/admin', made.body.id]]);
      });

      it('an expired token is refused with 401 saying so and whom to ask, in zh and en, and the refusal is audited', async () => {
        const made = await request(s.app).post('/api/v1/tokens').set(admin()).send({ unit: 'A', role: 'clerk', expires_in: '1d' });
        assert.equal((await request(s.app).get('/api/v1/me').set({ Authorization: `Bearer ${made.body.token}` })).status, 200);
        // A day and a minute later.
        await s.db.models.Token.update({ expires_at: new Date(Date.now() - 60_000) }, { where: { id: made.body.id } });
        const zh = await request(s.app).get('/api/v1/me').set({ Authorization: `Bearer ${made.body.token}`, 'Accept-Language': 'zh-CN' });
        assert.equal(zh.status, 401);
        assert.equal(zh.body.error.code, 'token_expired');
        assert.match(zh.body.error.message, /^此令牌已于 \d{4}-\d\d-\d\d \d\d:\d\d 过期：请向本单位负责 ledger-sync 的管理员申请新令牌$/);
        const en = await request(s.app).get('/api/v1/me').set({ Authorization: `bearer ${made.body.token}`, 'Accept-Language': 'en-GB' });
        assert.match(en.body.error.message, /^this token expired on \d{4}-\d\d-\d\d \d\d:\d\d: ask the administrator who runs ledger-sync for your unit for a new one$/);
        const refusals = await s.db.models.AuditEvent.findAll({ where: { action: 'token_refused' } });
        assert.deepEqual(refusals.map((e) => [e.unit_id, JSON.parse(e.details)]), [[refusals[0]!.unit_id, { token_id: made.body.id, why: 'expired' }], [refusals[0]!.unit_id, { token_id: made.body.id, why: 'expired' }]]);
        const list = (await request(s.app).get('/api/v1/tokens').set(admin())).body.tokens;
        assert.equal(list.find((t: { id: number }) => t.id === made.body.id).state, 'expired');
      });

      it('last used is written at most once a minute per token, not on every request', async () => {
        const made = await request(s.app).post('/api/v1/tokens').set(admin()).send({ unit: 'A', role: 'clerk' });
        const lastUsed = async () => (await s.db.models.Token.findByPk(made.body.id))!.last_used_at;
        assert.equal(await lastUsed(), null);
        await request(s.app).get('/api/v1/me').set({ Authorization: `Bearer ${made.body.token}` });
        let first: Date | null = null;
        for (let i = 0; i < 50 && !first; i++) {
          first = await lastUsed();
          if (!first) await new Promise((r) => setTimeout(r, 20));
        }
        assert.ok(first, 'the first use is written');
        for (let i = 0; i < 5; i++) await request(s.app).get('/api/v1/me').set({ Authorization: `Bearer ${made.body.token}` });
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(new Date((await lastUsed())!).getTime(), new Date(first).getTime(), 'not written again within the minute');
        const listed = (await request(s.app).get('/api/v1/tokens').set(admin())).body.tokens.find((t: { id: number }) => t.id === made.body.id);
        assert.equal(listed.last_used_at, new Date(first).toISOString());
      });
    });
  });
}
