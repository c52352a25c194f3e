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
    // WAL lets readers go on while a push commits; the busy timeout covers other processes.
    await sequelize.query('PRAGMA journal_mode = WAL');
    await sequelize.query('PRAGMA busy_timeout = 10000');
    await sequelize.query('PRAGMA synchronous = NORMAL');
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
    const run = () =>
      sequelize.transaction(async (t) => {
        if (dialect === 'sqlite') await sequelize.query('PRAGMA busy_timeout = 10000', { transaction: t });
        return fn(t);
      });
    if (dialect !== 'sqlite') return run();
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };
  return { sequelize, models, dialect, write, close: () => sequelize.close() };
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
