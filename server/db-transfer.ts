/**
 * A unit's data from one database into another (SQLite ⇄ PostgreSQL): every table, or one unit's
 * rows into a database that holds others. Read in one consistent snapshot of the source, written
 * in one transaction of the target, checked at the end (row counts, every snapshot's content hash
 * and a digest of its rows). Backups (backup.ts) are copies into a fresh SQLite file.
 */
import { createHash } from 'node:crypto';
import { QueryTypes, Transaction } from 'sequelize';
import { LEDGER_KINDS } from '../shared/ledgers';
import { SaidError } from '../shared/said-error';
import { Db } from './db';
import { ROW_TABLE, quoteName as q } from './row-sql';
import { loadLedgerRows } from './row-store';

/** Every table in an order that keeps references pointing backwards. */
export const TABLES = ['units', 'tokens', 'pushes', 'push_chunks', 'snapshots', ...LEDGER_KINDS.map((k) => ROW_TABLE[k]), 'ledger_heads', 'reconciliations', 'findings', 'periods', 'audit_events'] as const;

/** Tables with a serial id (whose sequence is set after a copy that keeps ids). */
const SERIAL = new Set<string>(['units', 'tokens', 'snapshots', ...LEDGER_KINDS.map((k) => ROW_TABLE[k]), 'reconciliations', 'findings', 'audit_events']);
const ORDER: Record<string, string> = { push_chunks: 'push_id, n', ledger_heads: 'unit_id, kind, period', periods: 'unit_id, period', pushes: 'id' };

/** A refusal of a copy, backup or restore: one line in the session's language, nothing changed. */
export class TransferError extends SaidError {}

export interface CopyReport {
  tables: Record<string, number>;
  snapshots: number;
  /** Snapshots whose rows and content hash were compared at both ends after the copy. */
  verified: number;
}

type Row = Record<string, unknown>;

async function migrations(db: Db, t?: Transaction): Promise<string[]> {
  const rows = await db.sequelize.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name', { type: QueryTypes.SELECT, transaction: t });
  return rows.map((r) => r.name);
}

export async function tableCounts(db: Db, t?: Transaction): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const [r] = await db.sequelize.query<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${q(table)}`, { type: QueryTypes.SELECT, transaction: t });
    out[table] = Number(r!.n);
  }
  return out;
}

export async function isEmpty(db: Db): Promise<boolean> {
  return Object.values(await tableCounts(db)).every((n) => n === 0);
}

/** Both at the same schema: the same migrations, by name. */
export async function refuseOtherMigrations(from: Db, to: Db): Promise<void> {
  const [a, b] = [await migrations(from), await migrations(to)];
  if (a.join() !== b.join()) {
    throw new TransferError({
      zh: `两个数据库的结构版本不同（源：${a.at(-1) ?? '无'}，目标：${b.at(-1) ?? '无'}）：请先用同一版本的 ledger-sync 启动一次两者，使其迁移到相同版本`,
      en: `the two databases are at different schema versions (source ${a.at(-1) ?? 'none'}, target ${b.at(-1) ?? 'none'}): start the same ledger-sync version on both once so that both are migrated alike`,
    });
  }
}

/** Column types of a table in the target, to convert what the source dialect gives (0/1 ⇄ booleans, text ⇄ dates). */
async function columnTypes(db: Db, table: string): Promise<Record<string, string>> {
  const d = (await db.sequelize.getQueryInterface().describeTable(table)) as Record<string, { type: string }>;
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.type.toUpperCase()]));
}

function convert(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (type.startsWith('BOOL') || type === 'TINYINT(1)') return v === true || v === 1 || v === '1' || v === 't' || v === 'true';
  if (type.startsWith('TIMESTAMP') || type === 'DATETIME') return v instanceof Date ? v : new Date(String(v));
  if (type === 'DATE') return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
  return v;
}

async function* pages(db: Db, table: string, t: Transaction, where = '', params: Record<string, unknown> = {}): AsyncGenerator<Row[]> {
  const size = table === 'push_chunks' ? 20 : 2000;
  const order = ORDER[table];
  if (order === undefined) {
    // By id from the last one seen: each page costs the same, however far into the table.
    for (let after = -1; ; ) {
      const cond = `${where ? `${where} AND` : ' WHERE'} id > :after`;
      const rows = await db.sequelize.query<Row>(`SELECT * FROM ${q(table)}${cond} ORDER BY id LIMIT ${size}`, { type: QueryTypes.SELECT, transaction: t, replacements: { ...params, after } });
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < size) return;
      after = Number(rows[rows.length - 1]!.id);
    }
  }
  for (let offset = 0; ; offset += size) {
    const rows = await db.sequelize.query<Row>(`SELECT * FROM ${q(table)}${where} ORDER BY ${order} LIMIT ${size} OFFSET ${offset}`, { type: QueryTypes.SELECT, transaction: t, replacements: params });
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < size) return;
  }
}

/** A consistent read of the whole source: PostgreSQL's repeatable read; on SQLite one read transaction (WAL). */
function readSnapshot<T>(db: Db, fn: (t: Transaction) => Promise<T>): Promise<T> {
  return db.sequelize.transaction(
    db.dialect === 'postgres' ? { isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ, readOnly: true } : { type: Transaction.TYPES.DEFERRED },
    fn,
  );
}

async function setSequences(to: Db, t: Transaction): Promise<void> {
  if (to.dialect !== 'postgres') return; // SQLite's AUTOINCREMENT follows the largest id inserted.
  for (const table of SERIAL) {
    await to.sequelize.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT MAX(id) FROM ${q(table)}), 0) + 1, false)`, { transaction: t });
  }
}

/** A digest of a snapshot's rows as the service reads them (the same code on both dialects). */
async function rowsDigest(db: Db, kind: (typeof LEDGER_KINDS)[number], snapshotId: number): Promise<string> {
  const h = createHash('sha256');
  for (let offset = 0; ; offset += 5000) {
    const rows = await loadLedgerRows(db, kind, snapshotId, { offset, limit: 5000 });
    for (const r of rows) h.update(JSON.stringify([r.sheet, r.row, r.valid, r.values, r.raw]) + '\n');
    if (rows.length < 5000) break;
  }
  return h.digest('hex');
}

interface SnapshotKey {
  id: number;
  kind: string;
  content_hash: string;
  row_count: number;
}

/** Compares each pair of snapshots (source id → target id): content hash, row count and row digest. */
async function verifySnapshots(from: Db, to: Db, pairs: [SnapshotKey, number][]): Promise<number> {
  let n = 0;
  for (const [s, targetId] of pairs) {
    const [t] = await to.sequelize.query<SnapshotKey>('SELECT id, kind, content_hash, row_count FROM snapshots WHERE id = :id', { type: QueryTypes.SELECT, replacements: { id: targetId } });
    const kind = s.kind as (typeof LEDGER_KINDS)[number];
    const same = t && t.content_hash === s.content_hash && Number(t.row_count) === Number(s.row_count) && (await rowsDigest(from, kind, s.id)) === (await rowsDigest(to, kind, targetId));
    if (!same) {
      throw new TransferError({ zh: `复制后核对不符：快照 ${s.id} 的内容在目标库中不同，目标库已写入的内容请勿使用`, en: `the copy does not check out: snapshot ${s.id} differs in the target; do not use what was written there` });
    }
    n++;
  }
  return n;
}

/**
 * Every table of `from` into an empty `to`, ids kept, sequences set; then counts and every
 * snapshot compared. Refused when `to` is not empty or its migrations differ. The source is read in
 * one consistent snapshot, so a copy of a running service holds every commit made before it began.
 */
export async function copyAll(from: Db, to: Db): Promise<CopyReport> {
  await refuseOtherMigrations(from, to);
  if (!(await isEmpty(to))) {
    throw new TransferError({ zh: '目标数据库不是空的：复制只写入空数据库（或用 --unit 只复制一个单位）', en: 'the target database is not empty: a copy goes only into an empty one (or copy one unit with --unit)' });
  }
  const { counts, snapshots } = await readSnapshot(from, async (rt) => {
    const counts = await tableCounts(from, rt);
    await to.write(async (wt) => {
      for (const table of TABLES) {
        const types = await columnTypes(to, table);
        for await (const rows of pages(from, table, rt)) {
          await to.sequelize.getQueryInterface().bulkInsert(table, rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k in types).map(([k, v]) => [k, convert(v, types[k]!)]))), { transaction: wt });
        }
      }
      await setSequences(to, wt);
    });
    const snapshots = await from.sequelize.query<SnapshotKey>('SELECT id, kind, content_hash, row_count FROM snapshots ORDER BY id', { type: QueryTypes.SELECT, transaction: rt });
    return { counts, snapshots };
  });
  const after = await tableCounts(to);
  for (const table of TABLES) {
    if (after[table] !== counts[table]) {
      throw new TransferError({ zh: `复制后核对不符：表 ${table} 源 ${counts[table]} 行，目标 ${after[table]} 行`, en: `the copy does not check out: table ${table} has ${counts[table]} rows in the source and ${after[table]} in the target` });
    }
  }
  const verified = await verifySnapshots(from, to, snapshots.map((s) => [s, s.id]));
  return { tables: counts, snapshots: snapshots.length, verified };
}

/** Ids in the audit trail's details that point at rows whose ids a unit copy changes. */
function remapDetails(details: string, ids: { snapshot: Map<number, number>; token: Map<number, number>; reconciliation: Map<number, number> }): string {
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(details) as Record<string, unknown>;
  } catch {
    return details;
  }
  const map = (m: Map<number, number>, v: unknown) => (typeof v === 'number' && m.has(v) ? m.get(v) : v);
  for (const k of ['snapshot_id', 'previous_snapshot_id']) if (k in d) d[k] = map(ids.snapshot, d[k]);
  if ('token_id' in d) d.token_id = map(ids.token, d.token_id);
  if ('reconciliation_id' in d) d.reconciliation_id = map(ids.reconciliation, d.reconciliation_id);
  if (d.snapshots && typeof d.snapshots === 'object') d.snapshots = Object.fromEntries(Object.entries(d.snapshots as Record<string, unknown>).map(([k, v]) => [k, map(ids.snapshot, v)]));
  return JSON.stringify(d);
}

/**
 * One unit's data into a target that may hold other units: new ids throughout (references
 * remapped), nothing of the target's changed. Refused when the target already has that unit.
 */
export async function copyUnit(from: Db, to: Db, code: string): Promise<CopyReport> {
  await refuseOtherMigrations(from, to);
  const [unit] = await from.sequelize.query<Row>('SELECT * FROM units WHERE code = :code', { type: QueryTypes.SELECT, replacements: { code } });
  if (!unit) throw new TransferError({ zh: `源数据库中没有单位 ${code}`, en: `the source database has no unit ${code}` });
  if (await to.models.Unit.findOne({ where: { code } })) {
    throw new TransferError({ zh: `目标数据库中已有单位 ${code}：不会覆盖它的数据`, en: `the target database already has a unit ${code}: its data is not overwritten` });
  }
  const unitId = Number(unit.id);
  const ids = { snapshot: new Map<number, number>(), token: new Map<number, number>(), reconciliation: new Map<number, number>() };
  const tables: Record<string, number> = {};
  const pairs: [SnapshotKey, number][] = [];
  const qi = to.sequelize.getQueryInterface();
  await readSnapshot(from, async (rt) => {
    await to.write(async (wt) => {
      const types: Record<string, Record<string, string>> = {};
      for (const table of TABLES) types[table] = await columnTypes(to, table);
      const put = (table: string, r: Row) => Object.fromEntries(Object.entries(r).filter(([k]) => k in types[table]!).map(([k, v]) => [k, convert(v, types[table]![k]!)]));
      const count = (table: string, n = 1) => (tables[table] = (tables[table] ?? 0) + n);
      // One row at a time where a new id must be learnt; bulk where nothing refers back.
      const insertOne = async (table: string, r: Row): Promise<number> => {
        const { id: _old, ...rest } = r;
        const values = put(table, rest);
        const cols = Object.keys(values);
        const insert = `INSERT INTO ${q(table)} (${cols.map(q).join(', ')}) VALUES (${cols.map((_, i) => `:v${i}`).join(', ')})`;
        const replacements = Object.fromEntries(cols.map((c, i) => [`v${i}`, values[c]]));
        let res: { id: number } | undefined;
        if (to.dialect === 'postgres') {
          [res] = await to.sequelize.query<{ id: number }>(`${insert} RETURNING id`, { type: QueryTypes.SELECT, transaction: wt, replacements });
        } else {
          await to.sequelize.query(insert, { transaction: wt, replacements });
          [res] = await to.sequelize.query<{ id: number }>('SELECT last_insert_rowid() AS id', { type: QueryTypes.SELECT, transaction: wt });
        }
        count(table);
        return Number(res!.id);
      };
      const newUnit = await insertOne('units', unit);
      const byUnit = ' WHERE unit_id = :unit';
      for await (const rows of pages(from, 'tokens', rt, byUnit, { unit: unitId })) for (const r of rows) ids.token.set(Number(r.id), await insertOne('tokens', { ...r, unit_id: newUnit }));
      if (tables.tokens && (await to.sequelize.query('SELECT 1 FROM tokens t1 JOIN tokens t2 ON t1.token_hash = t2.token_hash AND t1.id < t2.id', { type: QueryTypes.SELECT, transaction: wt })).length > 0) {
        throw new TransferError({ zh: '该单位的某个令牌在目标数据库中已存在', en: 'a token of that unit already exists in the target database' });
      }
      const pushSnapshots: [string, number][] = [];
      for await (const rows of pages(from, 'pushes', rt, byUnit, { unit: unitId })) {
        for (const r of rows) if (r.snapshot_id != null) pushSnapshots.push([String(r.id), Number(r.snapshot_id)]);
        await qi.bulkInsert('pushes', rows.map((r) => put('pushes', { ...r, unit_id: newUnit, token_id: ids.token.get(Number(r.token_id)) ?? r.token_id, snapshot_id: null })), { transaction: wt });
        count('pushes', rows.length);
        for (const p of rows) {
          for await (const chunks of pages(from, 'push_chunks', rt, ' WHERE push_id = :push', { push: p.id })) {
            await qi.bulkInsert('push_chunks', chunks.map((c) => put('push_chunks', c)), { transaction: wt });
            count('push_chunks', chunks.length);
          }
        }
      }
      for await (const rows of pages(from, 'snapshots', rt, byUnit, { unit: unitId })) {
        for (const s of rows) {
          const id = await insertOne('snapshots', { ...s, unit_id: newUnit, token_id: ids.token.get(Number(s.token_id)) ?? s.token_id });
          ids.snapshot.set(Number(s.id), id);
          pairs.push([{ id: Number(s.id), kind: String(s.kind), content_hash: String(s.content_hash), row_count: Number(s.row_count) }, id]);
          const table = ROW_TABLE[s.kind as (typeof LEDGER_KINDS)[number]];
          for await (const page of pages(from, table, rt, ' WHERE snapshot_id = :s', { s: s.id })) {
            await qi.bulkInsert(table, page.map(({ id: _old, ...r }) => put(table, { ...r, snapshot_id: id })), { transaction: wt });
            count(table, page.length);
          }
        }
      }
      // Pushes that made a snapshot point at its new id.
      for (const [push, old] of pushSnapshots) {
        await to.sequelize.query('UPDATE pushes SET snapshot_id = :id WHERE id = :push', { transaction: wt, replacements: { id: ids.snapshot.get(old) ?? null, push } });
      }
      for await (const rows of pages(from, 'ledger_heads', rt, byUnit, { unit: unitId })) {
        await qi.bulkInsert('ledger_heads', rows.map((r) => put('ledger_heads', { ...r, unit_id: newUnit, snapshot_id: ids.snapshot.get(Number(r.snapshot_id)) })), { transaction: wt });
        count('ledger_heads', rows.length);
      }
      for await (const rows of pages(from, 'reconciliations', rt, byUnit, { unit: unitId })) for (const r of rows) ids.reconciliation.set(Number(r.id), await insertOne('reconciliations', { ...r, unit_id: newUnit }));
      // Findings of the unit: those of its snapshots and of its reconciliations.
      const snapIds = [...ids.snapshot.keys()];
      const recIds = [...ids.reconciliation.keys()];
      if (snapIds.length + recIds.length > 0) {
        const where = ` WHERE (${snapIds.length ? 'snapshot_id IN (:snaps)' : '1 = 0'} OR ${recIds.length ? 'reconciliation_id IN (:recs)' : '1 = 0'})`;
        for await (const rows of pages(from, 'findings', rt, where, { snaps: snapIds.length ? snapIds : [0], recs: recIds.length ? recIds : [0] })) {
          await qi.bulkInsert('findings', rows.map(({ id: _old, ...r }) => put('findings', {
            ...r,
            snapshot_id: ids.snapshot.get(Number(r.snapshot_id)) ?? r.snapshot_id,
            reconciliation_id: r.reconciliation_id == null ? null : ids.reconciliation.get(Number(r.reconciliation_id)) ?? null,
          })), { transaction: wt });
          count('findings', rows.length);
        }
      }
      for await (const rows of pages(from, 'periods', rt, byUnit, { unit: unitId })) {
        await qi.bulkInsert('periods', rows.map((r) => put('periods', { ...r, unit_id: newUnit })), { transaction: wt });
        count('periods', rows.length);
      }
      for await (const rows of pages(from, 'audit_events', rt, byUnit, { unit: unitId })) {
        await qi.bulkInsert('audit_events', rows.map(({ id: _old, ...r }) => put('audit_events', {
          ...r,
          unit_id: newUnit,
          token_id: r.token_id == null ? null : ids.token.get(Number(r.token_id)) ?? null,
          details: remapDetails(String(r.details), ids),
        })), { transaction: wt });
        count('audit_events', rows.length);
      }
    });
  });
  const verified = await verifySnapshots(from, to, pairs);
  return { tables, snapshots: pairs.length, verified };
}
