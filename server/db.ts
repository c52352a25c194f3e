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
  let queue: Promise<unknown> = Promise.resolve();
  const write = <T>(fn: (t: Transaction) => Promise<T>): Promise<T> => {
    const run = () => sequelize.transaction(fn);
    if (dialect !== 'sqlite') return run();
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };
  return { sequelize, models, dialect, write, close: () => sequelize.close() };
}

interface SqliteDatabase {
  configure(option: 'busyTimeout', ms: number): void;
  exec(sql: string, cb: (err: Error | null) => void): void;
}

/**
 * Sequelize opens a new sqlite3 connection for every transaction, and busy timeout and
 * synchronous are settings of a connection that cannot change once a transaction has begun: so
 * they are set on each connection as Sequelize hands it out. synchronous=NORMAL in WAL mode
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
      await new Promise<void>((resolve, reject) => conn.exec('PRAGMA synchronous = NORMAL', (e) => (e ? reject(e) : resolve())));
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
