/**
 * The typed ledger rows of a snapshot: one table per kind, written by a bulk path (multi-row
 * prepared INSERTs inside the commit's transaction) and read back in pages.
 */
import { QueryTypes, Transaction } from 'sequelize';
import { LEDGERS, LedgerKind } from '../shared/ledgers';
import { LedgerRow } from '../shared/validate';
import { SnapshotRow } from '../shared/api';
import { fenToYuanString } from '../shared/money';
import { Db } from './db';

export const ROW_TABLE: Record<LedgerKind, string> = {
  plan: 'plan_rows',
  purchase: 'purchase_rows',
  asset: 'asset_rows',
  asset_event: 'asset_event_rows',
  expense: 'expense_rows',
  budget: 'budget_rows',
};

const BASE_COLUMNS = ['snapshot_id', 'sheet', 'source_row', 'valid', 'raw'];

function columnsOf(kind: LedgerKind): string[] {
  return [...BASE_COLUMNS, ...LEDGERS[kind].fields.map((f) => f.name)];
}

const q = (name: string) => `"${name}"`;

function insertSql(kind: LedgerKind, rows: number, placeholder: (i: number) => string): string {
  const cols = columnsOf(kind);
  const tuples: string[] = [];
  let p = 0;
  for (let r = 0; r < rows; r++) tuples.push(`(${cols.map(() => placeholder(++p)).join(',')})`);
  return `INSERT INTO ${q(ROW_TABLE[kind])} (${cols.map(q).join(',')}) VALUES ${tuples.join(',')}`;
}

function pushParams(out: unknown[], kind: LedgerKind, snapshotId: number, row: LedgerRow, boolAsInt: boolean): void {
  const raw = Object.keys(row.raw).length > 0 ? JSON.stringify(row.raw) : null;
  out.push(snapshotId, row.sheet, row.row, boolAsInt ? (row.valid ? 1 : 0) : row.valid, raw);
  for (const f of LEDGERS[kind].fields) out.push(row.values[f.name] ?? null);
}

/** Test hook: fail or stall a commit part-way through its row inserts (see docs/service.md). */
export interface InsertFailpoint {
  afterRows: number;
  action: 'throw' | 'hang';
}

export async function insertRows(
  db: Db,
  t: Transaction,
  kind: LedgerKind,
  snapshotId: number,
  rows: readonly LedgerRow[],
  failpoint?: InsertFailpoint,
): Promise<void> {
  const width = columnsOf(kind).length;
  const sqlite = db.dialect === 'sqlite';
  const perStatement = sqlite ? 2000 : Math.max(1, Math.min(2000, Math.floor(60_000 / width)));
  const batches: [number, number][] = [];
  for (let i = 0; i < rows.length; i += perStatement) batches.push([i, Math.min(rows.length, i + perStatement)]);

  const hit = async (done: number) => {
    if (!failpoint || done < failpoint.afterRows) return;
    if (failpoint.action === 'throw') throw new Error(`failpoint: insert stopped after ${done} rows`);
    process.stderr.write(`failpoint: commit hanging after ${done} rows\n`);
    await new Promise(() => undefined);
  };

  if (sqlite) {
    // The sqlite3 driver binds parameters one by one at a cost that dominates a large commit;
    // multi-row statements of literals run about twice as fast. Every value is a number, NULL or
    // a quoted string with its quotes doubled (SQLite has no other escape), and strings carry no
    // NUL (refused at upload), so a value can never end its literal.
    const conn = (t as unknown as { connection: SqliteConnection }).connection;
    const head = `INSERT INTO ${q(ROW_TABLE[kind])} (${columnsOf(kind).map(q).join(',')}) VALUES `;
    const fields = LEDGERS[kind].fields.map((f) => f.name);
    for (const [from, to] of batches) {
      let sql = head;
      for (let i = from; i < to; i++) {
        const row = rows[i]!;
        const raw = Object.keys(row.raw).length > 0 ? sqlLiteral(JSON.stringify(row.raw)) : 'NULL';
        let tuple = `${i === from ? '' : ','}(${snapshotId},${sqlLiteral(row.sheet)},${row.row},${row.valid ? 1 : 0},${raw}`;
        for (const f of fields) tuple += ',' + sqlLiteral(row.values[f]);
        sql += tuple + ')';
      }
      await execSql(conn, sql);
      await hit(to);
    }
    return;
  }
  for (const [from, to] of batches) {
    const params: unknown[] = [];
    for (let i = from; i < to; i++) pushParams(params, kind, snapshotId, rows[i]!, false);
    await db.sequelize.query(insertSql(kind, to - from, (i) => `$${i}`), { bind: params, transaction: t, type: QueryTypes.INSERT });
    await hit(to);
  }
}

interface SqliteConnection {
  exec(sql: string, cb: (err: Error | null) => void): void;
}

function execSql(conn: SqliteConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => conn.exec(sql, (err) => (err ? reject(err) : resolve())));
}

/** A value as an SQLite literal. */
export function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a storable number: ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v);
  if (s.indexOf('\u0000') !== -1) throw new Error('NUL in a text value');
  return s.indexOf("'") === -1 ? "'" + s + "'" : "'" + s.replace(/'/g, "''") + "'";
}

/** One page of a snapshot's rows, in stored order (sheet order, then row). */
export async function readRows(db: Db, kind: LedgerKind, snapshotId: number, offset: number, limit: number): Promise<SnapshotRow[]> {
  const records = await db.sequelize.query<Record<string, unknown>>(
    `SELECT * FROM ${q(ROW_TABLE[kind])} WHERE snapshot_id = :id ORDER BY id LIMIT :limit OFFSET :offset`,
    { replacements: { id: snapshotId, limit, offset }, type: QueryTypes.SELECT },
  );
  return records.map((r) => {
    const values: Record<string, string | number | null> = {};
    for (const f of LEDGERS[kind].fields) {
      const v = r[f.name];
      if (v === null || v === undefined) values[f.name] = null;
      else if (f.type === 'money') values[f.name] = fenToYuanString(Number(v));
      else if (f.type === 'qty' || f.type === 'year') values[f.name] = Number(v);
      else values[f.name] = String(v);
    }
    return {
      sheet: String(r.sheet),
      row: Number(r.source_row),
      valid: r.valid === true || r.valid === 1,
      values,
      raw: r.raw ? (JSON.parse(String(r.raw)) as Record<string, string>) : {},
    };
  });
}

export async function countRows(db: Db, kind: LedgerKind, snapshotId?: number): Promise<number> {
  const where = snapshotId === undefined ? '' : ' WHERE snapshot_id = :id';
  const [r] = await db.sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${q(ROW_TABLE[kind])}${where}`, {
    replacements: { id: snapshotId ?? null },
    type: QueryTypes.SELECT,
  });
  return Number(r?.n ?? 0);
}
