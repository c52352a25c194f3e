/**
 * Backups while the service runs, and restores. A backup is one SQLite file whichever database it
 * came from: SQLite's own `VACUUM INTO` (a consistent copy of a live database), or for PostgreSQL
 * a copy (db-transfer.ts) read in one repeatable-read snapshot. It is written beside its name and
 * renamed when whole and checked, so a failed backup never leaves a file that looks like one.
 */
import path from 'node:path';
import { existsSync, openSync, readSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { QueryTypes, Sequelize } from 'sequelize';
import { Db, migrate, openDb } from './db';
import { MIGRATIONS } from './migrations';
import { CopyReport, TABLES, TransferError, copyAll, isEmpty } from './db-transfer';

export interface BackupReport {
  file: string;
  bytes: number;
  tables: Record<string, number>;
  integrity: 'ok';
}

const sqliteUrl = (file: string) => `sqlite:${path.resolve(file)}`;

async function integrityOf(sequelize: Sequelize): Promise<string> {
  const rows = await sequelize.query<{ integrity_check: string }>('PRAGMA integrity_check', { type: QueryTypes.SELECT });
  return rows.map((r) => r.integrity_check).join('; ');
}

const integrityCheck = (db: Db) => integrityOf(db.sequelize);

export async function backup(db: Db, out: string, force = false): Promise<BackupReport> {
  if (existsSync(out) && !force) {
    throw new TransferError({ zh: `${out} 已存在：备份不会覆盖已有文件（确需覆盖时加 --force）`, en: `${out} exists: a backup never writes over a file (add --force to replace it)` });
  }
  if (existsSync(out) && statSync(out).isDirectory()) throw new TransferError({ zh: `${out} 是文件夹：请给出备份文件名`, en: `${out} is a folder: name the backup file` });
  const tmp = path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.${process.pid}.partial`);
  rmSync(tmp, { force: true });
  try {
    if (db.dialect === 'sqlite') {
      // One read transaction of the live database, written page by page: commits go on beside it.
      await db.sequelize.query(`VACUUM INTO '${tmp.replace(/'/g, "''")}'`);
    } else {
      const target = await openDb(sqliteUrl(tmp));
      try {
        await copyAll(db, target);
      } finally {
        await target.close();
      }
    }
    // Checked on a connection of its own, the file not migrated or otherwise touched.
    const copy = new Sequelize({ dialect: 'sqlite', storage: tmp, logging: false });
    let tables: Record<string, number>;
    try {
      const integrity = await integrityOf(copy);
      if (integrity !== 'ok') throw new TransferError({ zh: `备份文件自检未通过（${integrity}）`, en: `the backup failed its integrity check (${integrity})` });
      // A backup is one file: no write-ahead log beside it.
      await copy.query('PRAGMA journal_mode = DELETE');
      tables = {};
      for (const table of TABLES) {
        const [r] = await copy.query<{ n: number }>(`SELECT COUNT(*) AS n FROM "${table}"`, { type: QueryTypes.SELECT });
        tables[table] = Number(r!.n);
      }
    } finally {
      await copy.close();
    }
    for (const f of [`${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
    renameSync(tmp, out);
    return { file: out, bytes: statSync(out).size, tables, integrity: 'ok' };
  } catch (e) {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
    throw e;
  }
}

/** Whether a file is a ledger-sync backup: an SQLite database with our migrations table. */
function refuseForeign(file: string): void {
  if (!existsSync(file)) throw new TransferError({ zh: `找不到备份文件 ${file}`, en: `backup file not found: ${file}` });
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== 'SQLite format 3\u0000') {
    throw new TransferError({ zh: `${file} 不是 ledger-sync 的备份文件（不是 SQLite 数据库）`, en: `${file} is not a ledger-sync backup (not an SQLite database)` });
  }
}

/**
 * A backup into the database at `url`: an empty one, or with `force` one whose tables are dropped
 * and made anew. The backup is checked first (integrity, migrations) and opened read-only in
 * effect (nothing is written to it); the copy is checked at the end (db-transfer.ts).
 */
export async function restore(file: string, url: string, force = false): Promise<CopyReport & { integrity: 'ok' }> {
  refuseForeign(file);
  // Looked at before openDb, which would migrate it: a foreign or damaged file stays as it was.
  const probe = new Sequelize({ dialect: 'sqlite', storage: file, logging: false });
  try {
    const integrity = await integrityOf(probe);
    if (integrity !== 'ok') throw new TransferError({ zh: `备份文件已损坏（${integrity}）：请换用其他备份`, en: `the backup file is damaged (${integrity}): use another backup` });
    const names = await probe.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", { type: QueryTypes.SELECT });
    if (names.length === 0) throw new TransferError({ zh: `${file} 不是 ledger-sync 的备份文件（没有其数据表）`, en: `${file} is not a ledger-sync backup (it lacks its tables)` });
    const done = (await probe.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name', { type: QueryTypes.SELECT })).map((r) => r.name);
    const known = MIGRATIONS.map((m) => m.name);
    if (done.some((n) => !known.includes(n))) {
      throw new TransferError({ zh: `备份来自更新版本的 ledger-sync（${done.at(-1)}）：请用该版本恢复`, en: `the backup comes from a newer ledger-sync (${done.at(-1)}): restore it with that version` });
    }
  } catch (e) {
    if (e instanceof TransferError) throw e;
    throw new TransferError({ zh: `${file} 无法作为备份读取（${(e as Error).message.split('\n')[0]}）`, en: `${file} cannot be read as a backup (${(e as Error).message.split('\n')[0]})` });
  } finally {
    await probe.close();
  }
  const source = await openDb(sqliteUrl(file));
  try {
    const target = await openDb(url);
    try {
      if (!(await isEmpty(target))) {
        if (!force) {
          throw new TransferError({ zh: '目标数据库不是空的：恢复只写入空数据库（确需替换其全部数据时加 --force，并先停止服务）', en: 'the target database is not empty: a restore goes only into an empty one (add --force to replace all its data, with the service stopped)' });
        }
        await dropEverything(target);
      }
      const report = await copyAll(source, target);
      if (target.dialect === 'sqlite') {
        const integrity = await integrityCheck(target);
        if (integrity !== 'ok') throw new TransferError({ zh: `恢复后的数据库自检未通过（${integrity}）`, en: `the restored database failed its integrity check (${integrity})` });
      }
      return { ...report, integrity: 'ok' };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** Every table (and the audit trail's guard) dropped and the schema made anew: --force only. */
async function dropEverything(db: Db): Promise<void> {
  const qi = db.sequelize.getQueryInterface();
  if (db.dialect === 'postgres') {
    await db.sequelize.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  } else {
    await qi.dropAllTables();
    await db.sequelize.query('DELETE FROM sqlite_sequence').catch(() => undefined);
  }
  await migrate(db.sequelize);
}
