import assert from 'node:assert/strict';
import path from 'node:path';
import { statSync } from 'node:fs';
import { QueryTypes } from 'sequelize';
import { Db, openDb } from '../server/db';
import { DIALECTS, freshDbUrl } from './support/service';
import { tmpDir } from './support/xlsx';

for (const dialect of DIALECTS) {
  describe(`database writes on ${dialect}`, function () {
    let db: Db;
    let drop: () => Promise<void>;
    const p = (n: number) => (dialect === 'sqlite' ? '?' : `$${n}`);

    beforeEach(async () => {
      const fresh = await freshDbUrl(dialect);
      drop = fresh.drop;
      db = await openDb(fresh.url);
      await db.sequelize.query('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    });
    afterEach(async () => {
      await db?.close();
      await drop?.();
    });

    const ids = async () =>
      (await db.sequelize.query<{ id: number }>('SELECT id FROM notes ORDER BY id', { type: QueryTypes.SELECT })).map((r) => Number(r.id));

    it('writeNow and write asked for together all land, none refused as busy', async () => {
      const asked: Promise<unknown>[] = [];
      for (let i = 1; i <= 30; i++) {
        asked.push(
          i % 3 === 0
            ? db.write((t) => db.sequelize.query(`INSERT INTO notes (id, body) VALUES (${i}, 'tx')`, { transaction: t }))
            : db.writeNow(`INSERT INTO notes (id, body) VALUES (${p(1)}, ${p(2)})`, [i, 'now']),
        );
      }
      await Promise.all(asked);
      assert.deepEqual(await ids(), Array.from({ length: 30 }, (_, k) => k + 1));
    });

    it('a statement that fails rejects with the database error and stores nothing; later writes go on', async () => {
      await db.writeNow(`INSERT INTO notes (id, body) VALUES (${p(1)}, ${p(2)})`, [1, 'first']);
      await assert.rejects(db.writeNow(`INSERT INTO notes (id, body) VALUES (${p(1)}, ${p(2)})`, [1, 'again']), /UNIQUE|unique|duplicate/);
      await assert.rejects(db.writeNow(`INSERT INTO notes (id, body) VALUES (${p(1)}, ${p(2)})`, [2, null]), /NOT NULL|not-null|null value/);
      await db.writeNow(`INSERT INTO notes (id, body) VALUES (${p(1)}, ${p(2)})`, [3, 'later']);
      assert.deepEqual(await ids(), [1, 3]);
    });
  });
}

describe('SQLite checkpoints after writes', function () {
  it("the WAL's pages reach the database file while the service runs, without waiting for it to close", async () => {
    const file = path.join(tmpDir(), 'wal.sqlite');
    const db = await openDb(`sqlite:${file}`);
    try {
      await db.sequelize.query('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
      const before = statSync(file).size;
      // 4 MB: far below the automatic checkpoint (50,000 pages), so only the service's own one moves it.
      for (let i = 0; i < 4; i++) await db.writeNow('INSERT INTO blobs (body) VALUES (?)', [Buffer.alloc(1024 * 1024, i + 1)]);
      let size = statSync(file).size;
      for (let waited = 0; size < before + 4 * 1024 * 1024 && waited < 10_000; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
        size = statSync(file).size;
      }
      assert.ok(size >= before + 4 * 1024 * 1024, `database file ${size} bytes, WAL ${statSync(file + '-wal').size} bytes`);
    } finally {
      await db.close();
    }
  });
});
