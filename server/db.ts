/** The database: Sequelize on SQLite (embedded default) or PostgreSQL, migrated by umzug. */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { Sequelize, Transaction } from 'sequelize';
import { Umzug, SequelizeStorage } from 'umzug';
import { MIGRATIONS } from './migrations';
import { defineModels, Models } from './models';

export const DEFAULT_DB_URL = 'sqlite:data/ledger-sync.sqlite';

export interface Db {
  sequelize: Sequelize;
  models: Models;
  dialect: 'sqlite' | 'postgres';
  /**
   * Runs fn in one write transaction. SQLite has one writer at a time: writes of this process queue
   * here instead of meeting SQLITE_BUSY; PostgreSQL runs them concurrently.
   */
  write<T>(fn: (t: Transaction) => Promise<T>): Promise<T>;
  /**
   * One statement that is a write transaction of its own (positional parameters: `?` on SQLite,
   * `$n` on PostgreSQL). On SQLite it is handed to the database's thread at once when no other
   * write of this process is running (else it queues as write does), so that what the caller does
   * next runs beside it.
   */
  writeNow(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** `sqlite:path/file.sqlite`, `sqlite::memory:` or `postgres://…`. */
export async function openDb(url: string = DEFAULT_DB_URL, opts: { logging?: boolean } = {}): Promise<Db> {
  let sequelize: Sequelize;
  let dialect: Db['dialect'];
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    sequelize = new Sequelize({ dialect: 'sqlite', storage: file, logging: opts.logging ? console.log : false });
    dialect = 'sqlite';
    configureSqliteConnections(sequelize);
    // WAL lets readers go on while a push commits (a property of the file, set once).
    await sequelize.query('PRAGMA journal_mode = WAL');
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    sequelize = new Sequelize(url, { dialect: 'postgres', logging: opts.logging ? console.log : false, pool: { max: 10 } });
    dialect = 'postgres';
  } else {
    throw new Error(`unsupported database URL "${url}": use sqlite:path/file.sqlite or postgres://…`);
  }
  await sequelize.authenticate();
  await migrate(sequelize);
  const models = defineModels(sequelize);
  if (dialect === 'sqlite') {
    const cm = sequelize.connectionManager as unknown as { getConnection: (o?: object) => Promise<SqliteDatabase> };
    // Connections of their own (the shared one for :memory:), configured as Sequelize's.
    const writer = sqliteWriter(sequelize, await cm.getConnection({ uuid: 'statements' }), await cm.getConnection({ uuid: 'checkpoints' }));
    return { sequelize, models, dialect, ...writer, close: () => writer.stop().then(() => sequelize.close()) };
  }
  const write = <T>(fn: (t: Transaction) => Promise<T>): Promise<T> => sequelize.transaction(fn);
  const writeNow = (sql: string, params: unknown[]) => write(async (t) => void (await runOnConnection({ dialect }, t, sql, params)));
  return { sequelize, models, dialect, write, writeNow, close: () => sequelize.close() };
}

/**
 * SQLite's writes of this process, one at a time (a write asked for while none runs starts at
 * once), each followed by a checkpoint on a connection of its own: the WAL's pages are copied into
 * the database file after the answer, not inside the commit that filled the WAL.
 */
function sqliteWriter(sequelize: Sequelize, statements: SqliteDatabase, checkpoints: SqliteDatabase) {
  let writes = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let checkpoint: 'idle' | 'running' | 'again' = 'idle';
  let checkpointed: Promise<void> = Promise.resolve();
  let stopped = false;
  const checkpointSoon = (): void => {
    if (stopped) return;
    if (checkpoint !== 'idle') {
      checkpoint = 'again';
      return;
    }
    checkpoint = 'running';
    checkpointed = new Promise<void>((resolve) =>
      setImmediate(() =>
        // PASSIVE: copies what no reader still needs, never waits; a failed one is retried after the next write.
        checkpoints.exec('PRAGMA wal_checkpoint(PASSIVE)', () => {
          const again = checkpoint === 'again';
          checkpoint = 'idle';
          resolve();
          if (again) checkpointSoon();
        }),
      ),
    );
  };
  const serially = <T>(job: () => Promise<T>): Promise<T> => {
    const next = writes++ === 0 ? job() : queue.then(job, job);
    queue = next
      .finally(() => {
        writes--;
        checkpointSoon();
      })
      .catch(() => undefined);
    return next;
  };
  return {
    write: <T>(fn: (t: Transaction) => Promise<T>): Promise<T> => serially(() => sequelize.transaction(fn)),
    writeNow: (sql: string, params: unknown[]): Promise<void> => serially(() => runSql(statements, sql, params)),
    /** Waits for the writes and the checkpoint under way. */
    stop: async (): Promise<void> => {
      await queue;
      stopped = true;
      await checkpointed;
    },
  };
}

interface SqliteDatabase {
  configure(option: 'busyTimeout', ms: number): void;
  exec(sql: string, cb: (err: Error | null) => void): void;
  run(sql: string, params: unknown[], cb: (err: Error | null) => void): void;
}

interface PgClient {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/** One statement with positional parameters on the driver's own connection of a transaction. */
export function runOnConnection(db: Pick<Db, 'dialect'>, t: Transaction, sql: string, params: unknown[]): Promise<unknown> {
  const conn = (t as unknown as { connection: SqliteDatabase & PgClient }).connection;
  return db.dialect === 'sqlite' ? runSql(conn, sql, params) : conn.query(sql, params);
}

function runSql(conn: SqliteDatabase, sql: string, params: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => conn.run(sql, params, (err) => (err ? reject(err) : resolve())));
}

/**
 * Sequelize opens a new sqlite3 connection for every transaction, and busy timeout, synchronous
 * and the automatic checkpoint are settings of a connection that cannot change once a transaction
 * has begun: so they are set on each connection as Sequelize hands it out. synchronous=NORMAL in WAL mode
 * survives a crash of the process; a power cut may lose the last commits but never corrupts.
 */
function configureSqliteConnections(sequelize: Sequelize): void {
  const cm = sequelize.connectionManager as unknown as { getConnection: (o?: object) => Promise<SqliteDatabase> };
  const configured = new WeakSet<SqliteDatabase>();
  const original = cm.getConnection.bind(cm);
  cm.getConnection = async (options?: object) => {
    const conn = await original(options);
    if (!configured.has(conn)) {
      configured.add(conn);
      conn.configure('busyTimeout', 10_000);
      // Checkpoints run after each write (sqliteWriter); the automatic one stays only as a backstop
      // for a WAL grown far beyond any push (50,000 pages, about 200 MB).
      await new Promise<void>((resolve, reject) => conn.exec('PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 50000', (e) => (e ? reject(e) : resolve())));
    }
    return conn;
  };
}

export async function migrate(sequelize: Sequelize): Promise<void> {
  const umzug = new Umzug({
    migrations: MIGRATIONS,
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
  await umzug.up();
}
