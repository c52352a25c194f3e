/**
 * A fresh database per test: SQLite in a temporary folder, and PostgreSQL too when TEST_PG_URL
 * points at a server (CI starts one), each test in a database of its own.
 */
import path from 'node:path';
import { Sequelize } from 'sequelize';
import pino from 'pino';
import { openDb, Db } from '../../server/db';
import { createApp, AppSettings, reconcilerOf } from '../../server/app';
import { createToken } from '../../server/tokens';
import { tmpDir } from './xlsx';
import { Cell } from '../../shared/workbook';
import assert from 'node:assert/strict';
import request from 'supertest';
import { PreparedPush, chunkRanges, contentHash, preparePushes } from '../../shared/push';
import { checkWorkbook } from '../../shared/check';
import { readAllSheets } from '../../shared/workbook';
import { readWorkbookFile } from '../../cli/read-workbook';
import { PushOpenRequest } from '../../shared/api';
import { nodeHasher } from '../../server/node-hasher';

export type Dialect = 'sqlite' | 'postgres';

/** The dialects the service tests run on here. */
export const DIALECTS: Dialect[] = process.env.TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export async function freshDbUrl(dialect: Dialect): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') return { url: `sqlite:${path.join(tmpDir(), 'test.sqlite')}`, drop: async () => undefined };
  const admin = new Sequelize(process.env.TEST_PG_URL!, { logging: false });
  const name = `lstest_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  const u = new URL(process.env.TEST_PG_URL!);
  u.pathname = '/' + name;
  return {
    url: u.toString(),
    drop: async () => {
      // DROP DATABASE can lose a race with the server's own clean-up of the closed connections:
      // it is tried again before the clean-up counts as failed.
      const a = new Sequelize(process.env.TEST_PG_URL!, { logging: false });
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            return;
          } catch (e) {
            if (attempt >= 5) throw new Error(`cannot drop test database ${name}: ${(e as { parent?: Error }).parent?.message ?? (e as Error).message}`);
            await new Promise((r) => setTimeout(r, 200 * attempt));
          }
        }
      } finally {
        await a.close();
      }
    },
  };
}

export interface TestService {
  db: Db;
  app: ReturnType<typeof createApp>;
  tokens: { clerkA: string; clerkB: string; reviewer: string; admin: string };
  close(): Promise<void>;
}

export const silentLogger = () => pino({ level: 'silent' });

export async function testService(dialect: Dialect, options: AppSettings = {}): Promise<TestService> {
  const { url, drop } = await freshDbUrl(dialect);
  const db = await openDb(url);
  const tokens = {
    clerkA: (await createToken(db, { unit: 'A', unitName: '甲单位', role: 'clerk' })).token,
    clerkB: (await createToken(db, { unit: 'B', unitName: '乙单位', role: 'clerk' })).token,
    reviewer: (await createToken(db, { unit: 'REVIEW', role: 'reviewer' })).token,
    admin: (await createToken(db, { unit: 'ADMIN', role: 'admin' })).token,
  };
  const app = createApp(db, { logger: silentLogger(), ...options });
  return {
    db,
    app,
    tokens,
    close: async () => {
      await reconcilerOf(app).idle();
      // A test may have closed the database itself (to see the service without one).
      await db.close().catch(() => undefined);
      await drop();
    },
  };
}

export const PURCHASE_HEADERS = ['合同编号', '计划编号', '采购日期', '部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];

/** n purchase rows as cells, optionally with a tag that changes the content. */
export function purchaseCells(n: number, tag = ''): Cell[][] {
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) {
    rows.push([`HT-${tag}${i + 1}`, `JH-${(i % 50) + 1}`, `2024-0${1 + (i % 6)}-1${i % 10}`, '办公室', 'A02010105', '台式计算机', 1 + (i % 5), 5000, (1 + (i % 5)) * 5000, '协议采购']);
  }
  return rows;
}

/** A purchase push of the given rows, as the CLI or the add-in would prepare it. */
export function purchasePush(rows: Cell[][], period = '2024-06', workbook = 'book.xlsx'): PreparedPush {
  const sourceRows = rows.map((_, i) => [0, i + 2] as [number, number]);
  const head = {
    kind: 'purchase' as const,
    period,
    source: { workbook, sheets: [{ sheet: '合同台账', header_row: 1, title_year: null, headers: PURCHASE_HEADERS }] },
    columns: [{ purchase_id: 'A', plan_id: 'B', date: 'C', department: 'D', item_code: 'E', item_name: 'F', quantity: 'G', unit_price: 'H', amount: 'I', method: 'J' }],
  };
  const open: PushOpenRequest = { ...head, row_count: rows.length, content_hash: contentHash(head, rows, sourceRows, nodeHasher) };
  return { open, rows, sourceRows };
}

/** One push through the HTTP API (open, chunks, commit), as the CLI and the add-in make it. */
export async function pushWith(s: TestService, token: string, p: PreparedPush) {
  const app = request(s.app);
  const auth = { Authorization: `Bearer ${token}` };
  const open = await app.post('/api/v1/pushes').set(auth).send(p.open);
  if (open.status !== 201) return { open, commit: null };
  const id = open.body.push_id as string;
  const ranges = chunkRanges(p.rows);
  for (let n = 0; n < ranges.length; n++) {
    const [a, b] = ranges[n]!;
    const r = await app.put(`/api/v1/pushes/${id}/chunks/${n}`).set(auth).type('json').send(JSON.stringify({ rows: p.rows.slice(a, b), source_rows: p.sourceRows.slice(a, b) }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const commit = await app.post(`/api/v1/pushes/${id}/commit`).set(auth);
  return { open, commit, id };
}

/** Every ledger of a workbook prepared for a push into `period`, as `ledger-sync push` prepares them. */
export async function workbookPushes(file: string, period: string): Promise<PreparedPush[]> {
  const grids = await readAllSheets(await readWorkbookFile(file, 'zh'));
  const checked = checkWorkbook(grids, { asOf: period });
  return preparePushes(grids, checked, { period, workbook: path.basename(file), hasher: nodeHasher });
}
