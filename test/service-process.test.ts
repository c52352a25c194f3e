import { rawXlsx } from './support/raw-xlsx';
import assert from 'node:assert/strict';
import path from 'node:path';
import http from 'node:http';
import { spawn, ChildProcess } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { cli } from './support/cli';
import { pushLedger, ApiRequestError, apiRequest } from '../shared/api-client';
import { openDb } from '../server/db';
import { countRows } from '../server/row-store';
import { createToken } from '../server/tokens';
import { DIALECTS, freshDbUrl, testService, purchaseCells, purchasePush } from './support/service';
import { tmpDir } from './support/xlsx';
import ExcelJS from 'exceljs';

const ROOT = path.join(__dirname, '..');
const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');


/** The service in a process of its own, as `ledger-sync serve` runs it. */
function startServer(dbUrl: string, env: Record<string, string> = {}): Promise<{ proc: ChildProcess; url: string; stderr: () => string }> {
  const proc = spawn(process.execPath, ['--require', 'tsx/cjs', 'cli/main.ts', 'serve', '--http', '--port', '0', '--db', dbUrl], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 30_000);
    proc.stderr!.on('data', (d) => {
      err += String(d);
      const m = /serving (http:\/\/localhost:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]!, stderr: () => err });
      }
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

function waitFor(get: () => string, pattern: RegExp, ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pattern.test(get())) resolve();
      else if (Date.now() > until) reject(new Error(`timed out waiting for ${pattern}: ${get()}`));
      else setTimeout(tick, 50);
    };
    tick();
  });
}

for (const dialect of DIALECTS) {
  describe(`service process on ${dialect}`, function () {
    this.timeout(120_000);

    it('SIGKILL during a large commit leaves the previous snapshot current and no partial rows', async () => {
      const { url: dbUrl, drop } = await freshDbUrl(dialect);
      const token = (await cli('token', 'create', '--unit', 'A', '--role', 'clerk', '--db', dbUrl)).out.trim();
      assert.match(token, /^lsk_[A-Za-z0-9_-]{43}$/);
      let server = await startServer(dbUrl, { LEDGER_SYNC_FAILPOINT: 'hang-after-20000' });
      try {
        const first = await pushLedger({ server: server.url, token }, purchasePush(purchaseCells(500)));
        assert.equal(first.unchanged, false);
        const big = purchasePush(purchaseCells(30_000, 'big'));
        const pending = pushLedger({ server: server.url, token, retries: 0 }, big).then(
          () => 'stored',
          (e: ApiRequestError) => e.code,
        );
        // Statements end where their size does, so the hang comes at 20,000 rows or a little past: part of the 30,000.
        await waitFor(server.stderr, /failpoint: commit hanging after 2\d{4} rows/, 60_000);
        server.proc.kill('SIGKILL');
        assert.equal(await pending, 'unreachable');

        server = await startServer(dbUrl);
        const list = await apiRequest<{ snapshots: { id: number; current: boolean; row_count: number }[] }>({ server: server.url, token }, 'GET', '/snapshots?kind=purchase');
        assert.deepEqual(list.snapshots.map((x) => [x.id, x.current, x.row_count]), [[first.snapshot_id, true, 500]]);
        const db = await openDb(dbUrl);
        try {
          assert.equal(await countRows(db, 'purchase'), 500);
          assert.equal(await db.models.StoredFinding.count({ where: { snapshot_id: first.snapshot_id + 1 } }), 0);
        } finally {
          await db.close();
        }
        // The same push again now goes through whole.
        const again = await pushLedger({ server: server.url, token }, big);
        assert.equal(again.row_count, 30_000);
      } finally {
        server.proc.kill('SIGKILL');
        await drop();
      }
    });
  });
}

describe('20 clients pushing at once to SQLite', function () {
  this.timeout(120_000);
  it('every push is stored (or told to retry): never a 500, never SQLITE_BUSY, no snapshot lost', async () => {
    const s = await testService('sqlite');
    const server = http.createServer(s.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const statuses: number[] = [];
    const bodies: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      if (res.status >= 500) bodies.push(await res.clone().text());
      return res;
    };
    try {
      const tokens = await Promise.all(
        Array.from({ length: 20 }, (_, i) => createToken(s.db, { unit: `U${i}`, role: 'clerk' })),
      );
      const results = await Promise.allSettled(
        tokens.map((t, i) => pushLedger({ server: url, token: t.token, fetch: recording }, purchasePush(purchaseCells(2_000 + i, `c${i}`)))),
      );
      const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      for (const f of failed) assert.ok([409, 429].includes((f.reason as ApiRequestError).status), String(f.reason));
      assert.deepEqual(bodies, []);
      assert.ok(statuses.every((x) => x < 500), `statuses: ${[...new Set(statuses)]}`);
      const stored = results.filter((r) => r.status === 'fulfilled').length;
      assert.equal(stored, 20);
      assert.equal(await s.db.models.Snapshot.count(), stored);
      const expectedRows = Array.from({ length: 20 }, (_, i) => 2_000 + i).reduce((a, b) => a + b, 0);
      assert.equal(await countRows(s.db, 'purchase'), expectedRows);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await s.close();
    }
  });
});

describe('ledger-sync push and token create', function () {
  this.timeout(60_000);
  let s: Awaited<ReturnType<typeof testService>>;
  let server: http.Server;
  let url: string;
  before(async () => {
    s = await testService('sqlite');
    server = http.createServer(s.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await s.close();
  });

  it('pushes every ledger of the sample and prints each snapshot; exit 1 as errors were found', async () => {
    const r = await cli('push', SAMPLE, '--server', url, '--token', s.tokens.clerkA, '--period', '2024-06');
    assert.equal(r.code, 1, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 6);
    assert.match(lines[1]!, /^采购执行：快照 \d+，45 行，2 个错误，1 个警告，0 条提示$/);
    assert.match(r.err, /^本地校验：2 个错误，1 个警告，2 条提示$/m);
    assert.match(r.err, /采购执行：45\/45 行（100%）/);
    const again = await cli('push', SAMPLE, '--server', url, '--token', s.tokens.clerkA, '--period', '2024-06', '--lang', 'en', '--json');
    const json = JSON.parse(again.out);
    assert.ok(json.pushes.every((p: { unchanged: boolean }) => p.unchanged));
    assert.equal(await s.db.models.Snapshot.count(), 6);
  });

  it('a workbook with a ledger-like sheet that was not read: the rest is pushed, the sheet named, exit 1', async () => {
    const dir = require('node:os').tmpdir();
    const file = path.join(dir, `unread-${process.pid}.xlsx`);
    require('node:fs').writeFileSync(file, rawXlsx([
      { name: '预算指标', rows: [['预算年度', '经济分类', '预算金额'], [2024, '30201', 5000]] },
      { name: '资产', rows: [['卡片号码', '资产名称', '原值', '取得日期'], ['ZC-1', '电脑', 5000, '2024-03-05']] },
    ]));
    const r = await cli('push', file, '--server', url, '--token', s.tokens.clerkB, '--period', '2024-06');
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^资产: 看起来是固定资产台账，但未能读取/m);
    assert.match(r.out, /^预算指标：快照 \d+，1 行，0 个错误/);
  });

  it("the service's findings and analysis of the pushed sample equal the CLI's analyze", async () => {
    const local = JSON.parse((await cli('analyze', SAMPLE, '--json', '--as-of', '2024-06')).out);
    await cli('push', SAMPLE, '--server', url, '--token', s.tokens.clerkA, '--period', '2024-06');
    const auth = { server: url, token: s.tokens.clerkA };
    const remote = await apiRequest<{ as_of: string; unit: string; tables: Record<string, { columns: string[]; rows: unknown[][] }>; charts: unknown[] }>(auth, 'GET', '/analysis?period=2024-06');
    assert.equal(remote.as_of, '2024-06-30');
    for (const key of ['summary', 'monthly', 'methods', 'plan_lines', 'asset_trace', 'departments', 'expenses', 'forecast']) {
      assert.deepEqual(remote.tables[key], local.analysis[key], key);
    }
    assert.deepEqual(remote.charts, local.charts);
    // I02 is about a sheet of the workbook that is no ledger: nothing of it is pushed.
    const shape = (f: { code: string; sheet: string; row?: number; column?: string; ids?: unknown; message: string }) => JSON.stringify([f.code, f.sheet, f.row, f.column, f.ids, f.message]);
    const withoutI02 = local.findings.filter((f: { code: string }) => f.code !== 'I02');
    const findings = await apiRequest<{ findings: { code: string; sheet: string; row?: number; column?: string; ids?: unknown; message: string }[] }>(auth, 'GET', '/findings?period=2024-06');
    assert.deepEqual(findings.findings.map(shape).sort(), withoutI02.map(shape).sort());
    assert.deepEqual(remote.tables.findings!.rows, local.analysis.findings.rows.filter((r: unknown[]) => r[1] !== 'I02'));
  });

  it('report writes the service analysis as the very sheets analyze writes from the workbook', async () => {
    await cli('push', SAMPLE, '--server', url, '--token', s.tokens.clerkA, '--period', '2024-06');
    const dir = tmpDir();
    const remote = path.join(dir, 'report.xlsx');
    const local = path.join(dir, 'local.xlsx');
    const r = await cli('report', '--server', url, '--token', s.tokens.clerkA, '--period', '2024-06', '--out', remote);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `已写入 ${remote}：A 2024-06 的 9 张分析表，6 个图表，以及与 2024-05 相比的本月变动\n`);
    assert.equal((await cli('analyze', SAMPLE, '--as-of', '2024-06', '--out', local, '--unit-name', '甲单位')).code, 1);
    const [a, b] = await Promise.all([remote, local].map(async (f) => { const w = new ExcelJS.Workbook(); await w.xlsx.readFile(f); return w; }));
    assert.deepEqual(a!.worksheets.map((w) => w.name), ['执行总览', '月度执行', '采购方式', '计划明细', '异常清单', '资产追溯', '部门对比', '支出执行', '预算建议', '本月变动']);
    // Nothing was pushed for 2024-05: every row of 2024-06 is new.
    assert.equal(a!.getWorksheet('本月变动')!.getCell('B5').value, '新增');
    for (const ws of a!.worksheets) {
      if (ws.name === '异常清单' || ws.name === '本月变动') continue; // the service holds no I02 (a sheet that is no ledger is not pushed)
      const other = b!.getWorksheet(ws.name)!;
      ws.eachRow((row, n) => {
        if (n === 2) return; // generated at: a minute may pass
        assert.deepEqual(row.values, other.getRow(n).values, `${ws.name} row ${n}`);
        row.eachCell((c, col) => assert.equal(c.numFmt, other.getRow(n).getCell(col).numFmt, `${ws.name} ${c.address}`));
      });
      assert.equal(ws.rowCount, other.rowCount, ws.name);
    }
    const json = await cli('report', '--server', url, '--token', s.tokens.clerkA, '--period', '2024-06', '--json');
    assert.equal(JSON.parse(json.out).unit_name, '甲单位');
    const other = await cli('report', '--server', url, '--token', s.tokens.clerkA, '--period', '2024-06', '--unit', 'B', '--out', path.join(dir, 'b.xlsx'));
    assert.equal(other.code, 2);
    assert.match(other.err, /查询 2024-06 分析被拒绝：没有单位 B：请核对单位代码（HTTP 404）/);
    const neither = await cli('report', '--server', url, '--token', s.tokens.clerkA, '--period', '2024-06');
    assert.match(neither.err, /report 须指定 --out 分析\.xlsx 或 --json/);
  });

  it('reads --server and --token from the environment', async () => {
    process.env.LEDGER_SYNC_SERVER = url;
    process.env.LEDGER_SYNC_TOKEN = s.tokens.clerkB;
    try {
      const r = await cli('push', SAMPLE, '--period', '2024-05', '--json');
      assert.equal(JSON.parse(r.out).pushes.length, 6);
    } finally {
      delete process.env.LEDGER_SYNC_SERVER;
      delete process.env.LEDGER_SYNC_TOKEN;
    }
  });

  const bad: [string, () => string[], RegExp][] = [
    ['no --period', () => ['push', SAMPLE, '--server', url, '--token', 't'], /缺少 --period YYYY-MM/],
    ['a bad --period', () => ['push', SAMPLE, '--server', url, '--token', 't', '--period', '2024-6'], /--period 应为年月 YYYY-MM/],
    ['no --server', () => ['push', SAMPLE, '--token', 't', '--period', '2024-06'], /缺少 --server 服务器地址/],
    ['a refused token', () => ['push', SAMPLE, '--server', url, '--token', 'lsk_bad', '--period', '2024-06'], /推送采购计划被拒绝：令牌无效（不存在或已吊销）：请核对令牌，或向管理员申请新令牌（HTTP 401）/],
    ['an unreachable server', () => ['push', SAMPLE, '--server', 'http://127.0.0.1:9', '--token', 't', '--period', '2024-06'], /推送采购计划未完成：无法连接 http:\/\/127\.0\.0\.1:9（ECONNREFUSED）/],
    ['a bad role', () => ['token', 'create', '--unit', 'A', '--role', 'boss', '--db', `sqlite:${tmpDir()}/x.sqlite`], /--role 应为 clerk（经办人员）、reviewer（复核人员）或 admin（管理员），而不是“boss”/],
  ];
  for (const [what, argv, message] of bad) {
    it(`exit 2 with one line for ${what}`, async () => {
      const saved = process.env.LEDGER_SYNC_SERVER;
      delete process.env.LEDGER_SYNC_SERVER;
      const r = await cli(...argv());
      if (saved) process.env.LEDGER_SYNC_SERVER = saved;
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, message);
      assert.equal(r.err.trim().split('\n').filter((l) => l.startsWith('ledger-sync:')).length, 1);
    });
  }
});
