/** The push protocol: open, chunks, commit — validated again here and stored atomically. */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { Op } from 'sequelize';
import { PushOpenSchema, PushOpenRequest, chunkProblem, CommitResponse, PushOpenResponse } from '../shared/api';
import { Cell, columnLetter } from '../shared/workbook';
import { visibleText } from '../shared/text';
import { checkPushParts, contentHash, readPushChunk } from '../shared/push';
import { asOfOfPeriod, IsoDate } from '../shared/dates';
import { Finding, summarise } from '../shared/findings';
import { LedgerRow } from '../shared/validate';
import { DEFAULT_REFERENCE, ReferenceData } from '../shared/reference';
import { Db } from './db';
import { Auth, audit } from './auth';
import { HttpError, NOT_JSON, NOT_UTF8, badRequest, conflict, fieldZh, fromZod, notFound } from './http-errors';
import { insertRows, InsertFailpoint } from './row-store';
import { ChunkCache, ReadChunk, hashedSections } from './chunk-cache';
import { nodeHasher } from './node-hasher';
import { insertStatements } from './row-sql';
import { findingRecord } from './finding-records';
import { lockPeriod, refuseClosed } from './period-service';

export interface PushServiceOptions {
  /** How long an open push may wait for its chunks and commit. */
  ttlMs: number;
  /** Chunks read as they arrive (per service instance); without it, the commit reads them all. */
  cache?: ChunkCache;
  ref: ReferenceData;
  failpoint?: InsertFailpoint;
}

export const DEFAULT_PUSH_OPTIONS: PushServiceOptions = { ttlMs: 60 * 60 * 1000, ref: DEFAULT_REFERENCE };

const MAX_CHUNKS = 1000;

async function currentSnapshot(db: Db, unitId: number, kind: string, period: string, transaction?: import('sequelize').Transaction) {
  const head = await db.models.LedgerHead.findOne({ where: { unit_id: unitId, kind, period }, transaction });
  return head ? db.models.Snapshot.findByPk(head.snapshot_id, { transaction }) : null;
}

/** Marks abandoned pushes expired and drops their chunks. */
export async function expirePushes(db: Db, now = new Date(), cache?: ChunkCache): Promise<number> {
  const stale = await db.models.Push.findAll({ where: { status: 'open', expires_at: { [Op.lt]: now } }, attributes: ['id'] });
  if (stale.length === 0) return 0;
  const ids = stale.map((p) => p.id);
  await db.write(async (t) => {
    await db.models.PushChunk.destroy({ where: { push_id: ids }, transaction: t });
    for (const id of ids) cache?.drop(id);
    await db.models.Push.update({ status: 'expired' }, { where: { id: ids, status: 'open' }, transaction: t });
  });
  return ids.length;
}

export async function openPush(db: Db, auth: Auth, body: unknown, opts: PushServiceOptions): Promise<{ status: number; body: PushOpenResponse }> {
  const parsed = PushOpenSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error.issues);
  const req = parsed.data;
  await refuseClosed(db, auth.unitId, req.period);
  const current = await currentSnapshot(db, auth.unitId, req.kind, req.period);
  if (current && current.content_hash === req.content_hash) {
    await db.write((t) => audit(db, { auth, action: 'push_unchanged', period: req.period, details: { kind: req.kind, snapshot_id: current.id, content_hash: req.content_hash } }, t));
    return { status: 200, body: { snapshot_id: current.id, unchanged: true } };
  }
  const id = randomUUID();
  const now = new Date();
  await db.write(async (t) => {
    await db.models.Push.create(
      {
        id, unit_id: auth.unitId, token_id: auth.tokenId, kind: req.kind, period: req.period, head: JSON.stringify(req),
        row_count: req.row_count, content_hash: req.content_hash, status: 'open', snapshot_id: null,
        created_at: now, expires_at: new Date(now.getTime() + opts.ttlMs),
      },
      { transaction: t },
    );
    await audit(db, { auth, action: 'push_open', period: req.period, details: { push_id: id, kind: req.kind, row_count: req.row_count, content_hash: req.content_hash, workbook: req.source.workbook } }, t);
  });
  return { status: 201, body: { push_id: id } };
}

async function openPushOf(db: Db, auth: Auth, id: string) {
  const push = await db.models.Push.findByPk(id);
  // Another unit's push answers as if it did not exist.
  if (!push || push.unit_id !== auth.unitId) throw notFound({ zh: `找不到推送 ${id}：请重新推送`, en: `no push ${id}` });
  if (push.status === 'committed') {
    throw conflict('push_committed', { zh: `推送 ${id} 已提交，保存为快照 ${push.snapshot_id}，无需再次提交`, en: `push ${id} is already committed as snapshot ${push.snapshot_id}` });
  }
  if (push.status === 'expired' || push.expires_at.getTime() < Date.now()) {
    throw conflict('push_expired', { zh: `推送 ${id} 已超时失效，本次未保存任何内容：请重新推送`, en: `push ${id} expired; open a new push` });
  }
  return push;
}

/** Stores one chunk as sent (its JSON bytes or text), after checking its shape. Idempotent per number. */
export async function putChunk(
  db: Db,
  auth: Auth,
  id: string,
  n: string,
  sent: Buffer | string,
  opts: Pick<PushServiceOptions, 'cache' | 'ref'> = { ref: DEFAULT_REFERENCE },
): Promise<{ push_id: string; n: number; rows: number }> {
  const num = Number(n);
  if (!/^\d+$/.test(n) || num >= MAX_CHUNKS) throw badRequest({ zh: `分块编号：应为 0–${MAX_CHUNKS - 1} 的整数`, en: `chunk number: an integer 0–${MAX_CHUNKS - 1}` }, 'n');
  const push = await openPushOf(db, auth, id);
  const head = JSON.parse(push.head) as PushOpenRequest;
  const bytes = typeof sent === 'string' ? Buffer.from(sent) : sent;
  const body = checkChunk(bytes, head);
  const rows = body.rows.length;
  // The chunk is stored (by the database's thread) while its rows are read here; the commit then
  // has only what needs the whole ledger. SQLite keeps the bytes as they came (a BLOB: nothing to
  // encode again); PostgreSQL's column is text. A chunk sent again replaces the first.
  const stored = db.writeNow(
    `INSERT INTO "push_chunks" ("push_id", "n", "row_count", "body") VALUES (${db.dialect === 'sqlite' ? '?, ?, ?, ?' : '$1, $2, $3, $4'})
     ON CONFLICT ("push_id", "n") DO UPDATE SET "row_count" = excluded."row_count", "body" = excluded."body"`,
    [id, num, rows, db.dialect === 'sqlite' ? bytes : bytes.toString('utf8')],
  );
  let read: ReadChunk | undefined;
  try {
    if (opts.cache) read = { rowCount: rows, parsed: readPushChunk(head, body.rows, body.source_rows, readOptions(opts)) };
  } finally {
    await stored;
  }
  if (read) opts.cache!.put(id, head, num, read, hashedSections(bytes));
  return { push_id: id, n: num, rows };
}

/** `合同台账!D15` for a field `rows[i][j]` whose row names its source, so the clerk finds the cell. */
function sourceCellOf(field: string, body: unknown, head: PushOpenRequest): string | null {
  const m = /^rows\[(\d+)\]\[(\d+)\]$/.exec(field);
  const src = m ? (body as { source_rows?: unknown[] }).source_rows?.[+m[1]!] : undefined;
  if (!m || !Array.isArray(src) || !Number.isInteger(src[1])) return null;
  const sheet = head.source.sheets[src[0] as number]?.sheet;
  return sheet === undefined ? null : `${visibleText(sheet)}!${columnLetter(+m[2]! + 1)}${src[1]}`;
}


function checkChunk(sent: Buffer, head: PushOpenRequest): ChunkBody {
  let body: unknown;
  // Bytes that are not UTF-8 would be decoded as U+FFFD: the text would be stored altered.
  if (!isUtf8(sent)) throw new HttpError(400, 'bad_json', NOT_UTF8, 'body');
  try {
    // JSON is UTF-8. Decoded here, not kept: the text of a large chunk is garbage once parsed.
    body = JSON.parse(sent.toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad_json', NOT_JSON, 'body');
  }
  const problem = chunkProblem(body, head.source.sheets.length);
  if (problem) {
    // The problem's own words come from the shared check (shared/api.ts); the cell is named in both languages.
    const cell = sourceCellOf(problem.field, body, head);
    throw badRequest({
      zh: `${fieldZh(problem.field)}${cell ? `（${cell}）` : ''}：${problem.zh}`,
      en: `${problem.field}${cell ? ` (${cell})` : ''}: ${problem.message}`,
    }, problem.field);
  }
  return body as ChunkBody;
}

/**
 * A push ready to be stored: its rows, validated as they are taken — so that the commit checks
 * each next row while the database inserts the last — and their findings, complete once every
 * row has been taken.
 */
interface Prepared {
  rows: Iterable<LedgerRow>;
  findings: Finding[];
}

/** The service reads every push in Chinese: findings are stored with their messages, the API renders them again per request. */
const readOptions = (opts: Pick<PushServiceOptions, 'ref'>) => ({ ref: opts.ref, lang: 'zh' }) as const;

/** The ledger from its chunks' parsed rows, in chunk order: read as they arrived, or read again from the store. */
function prepareLedger(head: PushOpenRequest, chunks: ReadChunk['parsed'][], asOf: IsoDate, opts: PushServiceOptions): Prepared {
  const findings: Finding[] = [];
  return { rows: checkPushParts(head, chunks, asOf, readOptions(opts), findings), findings };
}

/** The ledger read from the chunks stored in the database: after a restart, or on another instance. */
async function prepareFromStore(db: Db, id: string, head: PushOpenRequest, asOf: IsoDate, opts: PushServiceOptions): Promise<Prepared> {
  const rows: Cell[][] = [];
  const sourceRows: [number, number][] = [];
  for (const b of await loadChunks(db, id)) {
    for (let i = 0; i < b.rows.length; i++) {
      rows.push(b.rows[i]!);
      sourceRows.push(b.source_rows[i]!);
    }
  }
  if (contentHash(head, rows, sourceRows, nodeHasher) !== head.content_hash) throw hashMismatch();
  // Never trust the client: every row is read and validated again, by the same shared code.
  return prepareLedger(head, [readPushChunk(head, rows, sourceRows, readOptions(opts))], asOf, opts);
}

const hashMismatch = () =>
  conflict('hash_mismatch', { zh: '收到的数据与校验值不符，本次未保存任何内容：请重新推送', en: 'the rows received do not match content_hash; nothing was stored' });

export async function commitPush(db: Db, auth: Auth, id: string, opts: PushServiceOptions): Promise<{ status: number; period: string; body: CommitResponse }> {
  const push = await openPushOf(db, auth, id);
  const head = JSON.parse(push.head) as PushOpenRequest;
  await refuseClosed(db, auth.unitId, head.period);
  const chunks = await db.models.PushChunk.findAll({ where: { push_id: id }, attributes: ['n', 'row_count'], order: [['n', 'ASC']] });
  const missing: number[] = [];
  chunks.forEach((c, i) => {
    for (let k = (chunks[i - 1]?.n ?? -1) + 1; k < c.n; k++) missing.push(k);
  });
  if (missing.length > 0) {
    throw conflict('missing_chunks', { zh: `分块 ${missing.join('、')} 没有收到，本次未保存任何内容：请重新推送`, en: `chunks ${missing.join(', ')} were not received; nothing was stored` });
  }
  const received = chunks.reduce((s, c) => s + c.row_count, 0);
  if (received !== head.row_count) {
    throw conflict('missing_chunks', {
      zh: `应收 ${head.row_count} 行，只收到 ${received} 行（${chunks.length > 0 ? `分块 0–${chunks.length - 1}` : '没有收到任何分块'}），本次未保存任何内容：请重新推送`,
      en: `${received} of ${head.row_count} rows received (chunks 0–${chunks.length - 1}); nothing was stored`,
    });
  }
  const asOf = asOfOfPeriod(head.period)!;
  // Taken out of the cache now: a failed commit is retried from the stored chunks.
  const cached = opts.cache?.take(id, chunks.length);
  opts.cache?.drop(id);
  // The cache hashed the bytes as sent; a body written otherwise than chunkBody writes it (spaces,
  // escapes) hashes differently there, so a mismatch is settled on the stored chunks, hashed as parsed.
  const prepared =
    cached && cached.contentHash === head.content_hash ? prepareLedger(head, cached.chunks.map((c) => c.parsed), asOf, opts) : await prepareFromStore(db, id, head, asOf, opts);

  return db.write(async (t) => {
    if (db.dialect === 'postgres') {
      // One commit at a time per unit, kind and period, so that two equal pushes make one snapshot.
      await db.sequelize.query('SELECT pg_advisory_xact_lock(hashtext(:key))', {
        replacements: { key: `${auth.unitId}/${head.kind}/${head.period}` },
        transaction: t,
      });
    }
    // Checked again inside the transaction: a reviewer may have closed the month since the push began.
    await lockPeriod(db, t, auth.unitId, head.period, 'shared');
    await refuseClosed(db, auth.unitId, head.period, t);
    const current = await currentSnapshot(db, auth.unitId, head.kind, head.period, t);
    if (current && current.content_hash === head.content_hash) {
      for (const _ of prepared.rows); // validated all the same: the answer gives the findings' summary
      await db.models.Push.update({ status: 'committed', snapshot_id: current.id }, { where: { id }, transaction: t });
      await db.models.PushChunk.destroy({ where: { push_id: id }, transaction: t });
      return { status: 200, period: head.period, body: { snapshot_id: current.id, unchanged: true, row_count: current.row_count, findings_summary: summarise(prepared.findings) } };
    }
    // Counted once the rows are in: they are validated as they are inserted.
    const snap = await db.models.Snapshot.create(
      {
        unit_id: auth.unitId, kind: head.kind, period: head.period, content_hash: head.content_hash, row_count: 0,
        source_workbook: head.source.workbook, head: JSON.stringify({ ...head, row_count: undefined, content_hash: undefined }),
        token_id: auth.tokenId, created_by: auth.actor, created_at: new Date(),
        findings_error: 0, findings_warning: 0, findings_info: 0,
      },
      { transaction: t },
    );
    const rowCount = await insertRows(db, t, snap.id, insertStatements(head.kind, prepared.rows, db.dialect), opts.failpoint);
    const summary = summarise(prepared.findings);
    await snap.update({ row_count: rowCount, findings_error: summary.error, findings_warning: summary.warning, findings_info: summary.info }, { transaction: t });
    if (prepared.findings.length > 0) {
      await db.models.StoredFinding.bulkCreate(
        prepared.findings.map((f) => findingRecord(f, snap.id)),
        { transaction: t },
      );
    }
    await db.models.LedgerHead.upsert({ unit_id: auth.unitId, kind: head.kind, period: head.period, snapshot_id: snap.id, updated_at: new Date() }, { transaction: t });
    await db.models.Push.update({ status: 'committed', snapshot_id: snap.id }, { where: { id }, transaction: t });
    await db.models.PushChunk.destroy({ where: { push_id: id }, transaction: t });
    await audit(db, {
      auth, action: 'commit', period: head.period,
      details: { push_id: id, snapshot_id: snap.id, kind: head.kind, rows: rowCount, content_hash: head.content_hash, previous_snapshot_id: current?.id ?? null, findings: summary },
    }, t);
    return { status: 201, period: head.period, body: { snapshot_id: snap.id, unchanged: false, row_count: rowCount, findings_summary: summary } };
  });
}

interface ChunkBody {
  rows: Cell[][];
  source_rows: [number, number][];
}

async function loadChunks(db: Db, id: string): Promise<ChunkBody[]> {
  const chunks = await db.models.PushChunk.findAll({ where: { push_id: id }, order: [['n', 'ASC']] });
  // A BLOB on SQLite, text on PostgreSQL.
  return chunks.map((c) => JSON.parse(String(c.body as Buffer | string)) as ChunkBody);
}
