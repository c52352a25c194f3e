/**
 * The service's refusals in the caller's language: with `Accept-Language: zh-CN` a finance office
 * reads Chinese (no English word but what it sent: a unit code, a month, an id), without it the
 * contract's English, word for word as before.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { HttpError, badRequest, conflict, fromZod, notFound } from '../server/http-errors';
import { DIALECTS, TestService, purchaseCells, purchasePush, pushWith, testService, workbookPushes } from './support/service';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');
const ZH = { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.8' };
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

/** English words of three letters or more in a text, but for those quoted from the request. */
const englishIn = (text: string, quoted: string[]) => [...text.matchAll(/[A-Za-z]{3,}/g)].map((m) => m[0]).filter((w) => !quoted.includes(w));

interface Refusal {
  what: string;
  send: (s: TestService, headers: Record<string, string>) => request.Test;
  status: number;
  code: string;
  field?: string;
  /** The English, as the contract and the other tests have it. */
  en: string | RegExp;
  /** What the Chinese must say besides being Chinese. */
  zh?: RegExp;
  /** Words taken from the request (unit codes, ids) that the Chinese may repeat. */
  quoted?: string[];
}

const LOCAL_TIME = /\d{4}-\d\d-\d\d \d\d:\d\d/;

const REFUSALS: Refusal[] = [
  {
    what: 'closing a month already closed',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-01/close').set({ ...bearer(s.tokens.reviewer), ...h }).send({ unit: 'A' }),
    status: 409, code: 'period_closed',
    en: /^A 2024-01 is already closed \(by REVIEW\/reviewer at 20\d\d-\d\d-\d\dT[\d:.]+Z\)$/,
    zh: new RegExp(`^A 2024-01 已由 REVIEW 复核人员 于 ${LOCAL_TIME.source} 结账，无需再次结账$`),
    quoted: ['REVIEW'],
  },
  {
    what: 'a push into a closed month',
    send: (s, h) => request(s.app).post('/api/v1/pushes').set({ ...bearer(s.tokens.clerkA), ...h }).send(purchasePush(purchaseCells(4), '2024-01').open),
    status: 409, code: 'period_closed',
    en: /^period 2024-01 was closed by REVIEW\/reviewer at 20\d\d-\d\d-\d\dT[\d:.]+Z; nothing was stored\. A reviewer can reopen it\.$/,
    zh: new RegExp(`^2024-01 已由 REVIEW 复核人员 于 ${LOCAL_TIME.source} 结账，本次未保存任何内容；如需修改，请复核人员重新打开该月$`),
    quoted: ['REVIEW'],
  },
  {
    what: 'reopening without a reason',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-01/reopen').set({ ...bearer(s.tokens.reviewer), ...h }).send({ unit: 'A' }),
    status: 400, code: 'bad_request', field: 'reason',
    en: 'reason: reopening a closed month needs a reason, kept in the audit trail',
    zh: /^原因：/,
  },
  {
    what: 'reopening a month that is open',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-03/reopen').set({ ...bearer(s.tokens.reviewer), ...h }).send({ unit: 'A', reason: '补录' }),
    status: 409, code: 'period_open',
    en: 'A 2024-03 is not closed',
  },
  {
    what: 'a reason sent to close',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-03/close').set({ ...bearer(s.tokens.reviewer), ...h }).send({ unit: 'A', reason: '月末' }),
    status: 400, code: 'bad_request', field: 'reason',
    en: 'reason: only for reopen; to close despite errors, send override with the reason',
  },
  {
    what: 'a blank override',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-06/close').set({ ...bearer(s.tokens.reviewer), ...h }).send({ unit: 'A', override: '   ' }),
    status: 400, code: 'bad_request', field: 'override',
    en: 'override: a reason',
    zh: /^结账原因：/,
  },
  {
    what: 'a clerk closing a month',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-01/close').set({ ...bearer(s.tokens.clerkA), ...h }).send({}),
    status: 403, code: 'forbidden',
    en: 'this needs the reviewer role; this token is clerk',
    zh: /复核人员.*经办人员/,
  },
  {
    what: 'a reviewer creating a token',
    send: (s, h) => request(s.app).post('/api/v1/tokens').set({ ...bearer(s.tokens.reviewer), ...h }).send({ unit: 'C', role: 'clerk' }),
    status: 403, code: 'forbidden',
    en: 'this needs the admin role; this token is reviewer',
  },
  {
    what: 'an unknown unit',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-01/close').set({ ...bearer(s.tokens.reviewer), ...h }).send({ unit: 'NOPE' }),
    status: 404, code: 'not_found',
    en: 'no unit NOPE',
    zh: /NOPE/,
    quoted: ['NOPE'],
  },
  {
    what: 'a clerk asking for another unit (answered as unknown)',
    send: (s, h) => request(s.app).get('/api/v1/periods/2024-01?unit=B').set({ ...bearer(s.tokens.clerkA), ...h }),
    status: 404, code: 'not_found',
    en: 'no unit B',
  },
  {
    what: 'a body that is not JSON',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-01/close').set({ ...bearer(s.tokens.reviewer), ...h }).type('json').send('{"unit": "A",'),
    status: 400, code: 'bad_json', field: 'body',
    en: 'the request body is not valid JSON',
  },
  {
    what: 'a malformed period in the path',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-13/close').set({ ...bearer(s.tokens.reviewer), ...h }).send({ unit: 'A' }),
    status: 400, code: 'bad_request', field: 'period',
    en: 'period: a month YYYY-MM, got "2024-13"',
    zh: /^期间.*2024-06.*“2024-13”/,
  },
  {
    what: 'a malformed period in the query',
    send: (s, h) => request(s.app).get('/api/v1/findings?period=2024-6').set({ ...bearer(s.tokens.clerkA), ...h }),
    status: 400, code: 'bad_request', field: 'period',
    en: 'period: a month YYYY-MM',
    zh: /^期间：/,
  },
  {
    what: 'an unknown field in the body',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-03/close').set({ ...bearer(s.tokens.reviewer), ...h }).send({ unit: 'A', note: 'x' }),
    status: 400, code: 'bad_request', field: 'note',
    en: 'note: Unrecognized key: "note"',
    quoted: ['note'],
  },
  {
    what: 'closing a month with errors',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-06/close').set({ ...bearer(s.tokens.reviewer), ...h }).send({ unit: 'A' }),
    status: 409, code: 'period_has_errors',
    en: 'A 2024-06 has 7 error-level findings: correct them and push again, or close with an override and its reason',
    zh: /^A 2024-06 还有 7 个错误/,
  },
  {
    what: 'no token',
    send: (s, h) => request(s.app).get('/api/v1/me').set(h),
    status: 401, code: 'unauthorized',
    en: 'missing token: send "Authorization: Bearer <token>"',
  },
  {
    what: 'an unknown token',
    send: (s, h) => request(s.app).get('/api/v1/me').set({ ...bearer('lsk_nope'), ...h }),
    status: 401, code: 'unauthorized',
    en: 'token refused: unknown or revoked',
  },
  {
    what: 'an unknown push',
    send: (s, h) => request(s.app).post('/api/v1/pushes/00000000-0000-0000-0000-000000000000/commit').set({ ...bearer(s.tokens.clerkA), ...h }),
    status: 404, code: 'not_found',
    en: 'no push 00000000-0000-0000-0000-000000000000',
  },
  {
    what: 'an unknown snapshot',
    send: (s, h) => request(s.app).get('/api/v1/snapshots/999').set({ ...bearer(s.tokens.clerkA), ...h }),
    status: 404, code: 'not_found',
    en: 'no snapshot 999',
  },
  {
    what: 'a token that never expires for a clerk',
    send: (s, h) => request(s.app).post('/api/v1/tokens').set({ ...bearer(s.tokens.admin), ...h }).send({ unit: 'C', role: 'clerk', expires_in: 'never' }),
    status: 400, code: 'bad_request', field: 'expires_in',
    en: 'expires_in: never is allowed for admin tokens only',
    quoted: ['never'],
  },
  {
    what: 'revoking an unknown token',
    send: (s, h) => request(s.app).post('/api/v1/tokens/99/revoke').set({ ...bearer(s.tokens.admin), ...h }),
    status: 404, code: 'not_found',
    en: 'no token 99',
  },
  {
    what: 'an unknown route',
    send: (s, h) => request(s.app).get('/api/v1/nowhere').set(h),
    status: 404, code: 'not_found',
    en: 'no route GET /api/v1/nowhere',
    quoted: ['GET', 'api', 'nowhere'],
  },
  {
    what: 'a body larger than the limit',
    send: (s, h) => request(s.app).post('/api/v1/periods/2024-03/close').set({ ...bearer(s.tokens.reviewer), ...h }).type('json').send(JSON.stringify({ unit: 'A', override: 'x'.repeat(2 * 1024 * 1024) })),
    status: 413, code: 'payload_too_large',
    en: 'request body larger than 1 MB: send rows in chunks of at most 10,000 rows and 8 MB',
  },
];

for (const dialect of DIALECTS) {
  describe(`the service's refusals in the caller's language on ${dialect}`, function () {
    this.timeout(120_000);
    let s: TestService;
    before(async () => {
      s = await testService(dialect);
      // 2024-01 closed for A; 2024-06 pushed with the sample's error-level findings.
      assert.equal((await pushWith(s, s.tokens.clerkA, purchasePush(purchaseCells(3), '2024-01'))).commit!.status, 201);
      assert.equal((await request(s.app).post('/api/v1/periods/2024-01/close').set(bearer(s.tokens.reviewer)).send({ unit: 'A', override: '已报批' })).status, 200);
      for (const p of await workbookPushes(SAMPLE, '2024-06')) await pushWith(s, s.tokens.clerkA, p);
    });
    after(() => s.close());

    for (const r of REFUSALS) {
      it(`${r.what}: ${r.code} in Chinese for zh-CN, in the same English as before without a language`, async () => {
        const en = await r.send(s, {});
        assert.equal(en.status, r.status, JSON.stringify(en.body));
        assert.equal(en.body.error.code, r.code);
        assert.equal(en.body.error.field, r.field);
        if (typeof r.en === 'string') assert.equal(en.body.error.message, r.en);
        else assert.match(en.body.error.message, r.en);
        // English when asked for it, too.
        assert.equal((await r.send(s, { 'Accept-Language': 'en-GB,en;q=0.9' })).body.error.message.replace(/\d\d:\d\d:\d\d\.\d+Z/, ''), en.body.error.message.replace(/\d\d:\d\d:\d\d\.\d+Z/, ''));

        const zh = await r.send(s, ZH);
        assert.equal(zh.status, r.status);
        assert.deepEqual([zh.body.error.code, zh.body.error.field], [r.code, r.field], 'the code and the field stay the JSON names');
        const text: string = zh.body.error.message;
        assert.match(text, /[\u4e00-\u9fff]/, text);
        assert.deepEqual(englishIn(text, r.quoted ?? []), [], `English in "${text}"`);
        assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:/, 'a time on the deployment clock, not ISO UTC');
        if (r.zh) assert.match(text, r.zh);
        assert.equal((await r.send(s, {}).query({ lang: 'zh' })).body.error.message.replace(LOCAL_TIME, ''), text.replace(LOCAL_TIME, ''), '?lang=zh as Accept-Language');
      });
    }

    it('a chunk the service cannot store (a NUL in a cell, a cell of no known kind): where and why in Chinese, the cell named', async () => {
      const bad: [unknown, string, RegExp][] = [
        ['x\u0000y', 'rows[1][5]', /^rows\[1\]\[5\]（合同台账!F3）：文字中含有无法保存的空字符（NUL）：请删去后重新推送$/],
        [{ kind: 'image' }, 'rows[1][5]', /^rows\[1\]\[5\]（合同台账!F3）：单元格的值无法识别/],
      ];
      for (const [cell, field, zh] of bad) {
        const p = purchasePush(purchaseCells(2));
        const open = await request(s.app).post('/api/v1/pushes').set(bearer(s.tokens.clerkA)).send(p.open);
        assert.equal(open.status, 201, JSON.stringify(open.body));
        const rows = p.rows.map((r) => [...r]) as unknown[][];
        rows[1]![5] = cell;
        const put = (h: Record<string, string>) => request(s.app).put(`/api/v1/pushes/${open.body.push_id}/chunks/0`).set({ ...bearer(s.tokens.clerkA), ...h }).type('json').send(JSON.stringify({ rows, source_rows: p.sourceRows }));
        const r = await put(ZH);
        assert.deepEqual([r.status, r.body.error.field], [400, field]);
        assert.match(r.body.error.message, zh);
        assert.deepEqual(englishIn(r.body.error.message.replace(/^rows\[\d+\]\[\d+\]/, ''), ['NUL', 'UTF']), [], r.body.error.message);
        assert.match((await put({})).body.error.message, /^rows\[1\]\[5\] \(合同台账!F3\): (text holding a NUL|a cell: )/);
      }
    });

    it('the 500 of a service without its database: in Chinese for zh-CN, the same English without a language', async () => {
      const t = await testService(dialect);
      try {
        await t.db.close();
        const en = await request(t.app).get('/api/v1/me').set(bearer(t.tokens.clerkA));
        assert.deepEqual([en.status, en.body], [500, { error: { code: 'internal', message: 'internal error: nothing was stored; try again' } }]);
        const zh = await request(t.app).get('/api/v1/me').set({ ...bearer(t.tokens.clerkA), ...ZH });
        assert.equal(zh.status, 500);
        assert.equal(zh.body.error.code, 'internal');
        assert.match(zh.body.error.message, /^服务内部出错，本次未保存任何内容/);
        assert.deepEqual(englishIn(zh.body.error.message, []), []);
      } finally {
        await t.close();
      }
    });
  });
}

describe('a refusal carries its words in both languages', () => {
  it('HttpError and its helpers take {zh, en}; a refusal in one language does not compile', () => {
    const e = new HttpError(409, 'x', { zh: '中文', en: 'English' });
    assert.deepEqual([e.message, e.text('zh'), e.text('en')], ['English', '中文', 'English']);
    assert.equal(badRequest({ zh: '甲', en: 'a' }, 'f').text('zh'), '甲');
    assert.equal(conflict('c', { zh: '乙', en: 'b' }, 5).headers['Retry-After'], '5');
    assert.equal(notFound({ zh: '丙', en: 'c' }).status, 404);
    // The checks below are the type checker's (npm run typecheck): each line must fail to compile.
    // @ts-expect-error a plain string is one language only
    const plain = new HttpError(400, 'bad_request', 'one language');
    // @ts-expect-error as above
    badRequest('one language');
    // @ts-expect-error as above
    conflict('period_closed', 'one language');
    // @ts-expect-error as above
    notFound('one language');
    // Untyped code that passes a string anyway is said as it is in both.
    assert.deepEqual([plain.text('zh'), plain.text('en')], ['one language', 'one language']);
  });

  it("zod's refusals are prefixed by the field's Chinese name, their common words said in Chinese", () => {
    const said = (issue: Parameters<typeof fromZod>[0][number]) => fromZod([issue]).said;
    assert.deepEqual(said({ path: ['period'], code: 'invalid_format', message: 'a month YYYY-MM' }), { zh: '期间：应为“年-月”格式的月份，如 2024-06', en: 'period: a month YYYY-MM' });
    assert.deepEqual(said({ path: ['limit'], code: 'too_big', origin: 'number', maximum: 10000, inclusive: true, message: 'Too big: expected number to be <=10000' }).zh, '条数：不能大于 10000');
    assert.deepEqual(said({ path: ['unit'], code: 'invalid_type', expected: 'string', message: 'Invalid input: expected string, received undefined' }).zh, '单位：必须填写');
    assert.deepEqual(said({ path: ['kind'], code: 'invalid_value', values: ['plan', 'purchase'], message: 'Invalid option: expected one of "plan"|"purchase"' }).zh, '台账：应为以下之一：plan、purchase');
    assert.deepEqual(said({ path: ['source'], code: 'unrecognized_keys', keys: ['extra'], message: 'Unrecognized key: "extra"' }), { zh: 'source.extra：不认识的字段，请删去', en: 'source.extra: Unrecognized key: "extra"' });
    // The schemas' own words, fixed and with a value in them; words with no Chinese yet said plainly, never in English.
    assert.equal(said({ path: ['content_hash'], code: 'invalid_format', message: 'a SHA-256 hex digest' }).zh, 'content_hash：应为 64 位十六进制的 SHA-256 校验值');
    assert.equal(said({ path: ['columns'], code: 'custom', message: 'one mapping per source sheet: 2 expected' }).zh, 'columns：每个来源工作表一项对应：应有 2 项');
    assert.equal(said({ path: ['x'], code: 'custom', message: 'something else' }).zh, 'x：内容不符合要求');
    assert.equal(said({ path: ['x'], code: 'invalid_format', message: 'Invalid string: must match pattern /^\\d+$/' }).zh, 'x：格式不对');
  });
});
