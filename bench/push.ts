/**
 * bench:push — 100,000 purchase rows pushed with the CLI's client over HTTP into the service on
 * SQLite (open, chunks, commit with server-side validation and storage), against the practical
 * limit of the embedded store measured in the same run: the same typed rows inserted raw with
 * better-sqlite3, one prepared statement in one transaction.
 * Last line: ratio=<push time / raw time> goal<=4.
 */
import path from 'node:path';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { writePurchaseLedger } from './generate-ledgers';
import { readWorkbookFile } from '../cli/read-workbook';
import { readAllSheets } from '../shared/workbook';
import { checkWorkbook } from '../shared/check';
import { preparePushes } from '../shared/push';
import { pushLedger } from '../shared/api-client';
import { nodeFetch } from '../cli/node-fetch';
import { LEDGERS } from '../shared/ledgers';
import { nodeHasher } from '../server/node-hasher';
import { openDb } from '../server/db';
import { createToken } from '../server/tokens';

const OUT = path.join(__dirname, 'out');
const ROOT = path.join(__dirname, '..');
const ROWS = 100_000;

function startServer(dbUrl: string): Promise<{ url: string; pid: number; stop: () => void }> {
  // The service as it ships: the compiled build (npm run bench:push builds first).
  // BENCH_NODE_ARGS: flags for the service's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, 'bin/ledger-sync.js', 'serve', '--http', '--port', '0', '--db', dbUrl], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (d) => {
      err += String(d);
      const m = /serving (http:\/\/localhost:\d+)/.exec(err);
      if (m) resolve({ url: m[1]!, pid: proc.pid!, stop: () => proc.kill('SIGTERM') });
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

/** The fields of /proc/<pid>/stat after the command name (state first). */
function procStat(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
}

/** CPU time a process has used so far (user + system), in seconds. */
function cpuSeconds(pid: number): number {
  const fields = procStat(pid);
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Minor page faults of a process so far: each new page the process touches; on this VM about 12 µs each. */
function minorFaults(pid: number): number {
  return Number(procStat(pid)[7]);
}

/** Peak resident memory of a process (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const book = path.join(OUT, 'purchases-100k.xlsx');
  if (!existsSync(book)) await writePurchaseLedger(book, ROWS);

  const tRead = Date.now();
  const grids = await readAllSheets(await readWorkbookFile(book, 'zh'));
  const local = checkWorkbook(grids, { asOf: '2024-06' });
  const [prepared] = preparePushes(grids, local, { period: '2024-06', workbook: 'purchases-100k.xlsx', hasher: nodeHasher });
  const ledger = local.ledgers.purchase!;
  console.log(`read and checked the workbook locally in ${((Date.now() - tRead) / 1000).toFixed(2)} s (not timed below)`);

  const fields = LEDGERS.purchase.fields.map((f) => f.name);
  const cols = ['snapshot_id', 'sheet', 'source_row', 'valid', 'raw', ...fields];
  const repeats = Number(process.env.BENCH_REPEATS ?? 3);
  let pushMs = Infinity;
  let rawMs = Infinity;
  let rss = 0;
  // Each side runs several times on fresh files, alternating; each keeps its best run.
  for (let round = 0; round < repeats; round++) {
    // The product: the service in its own process, on a fresh SQLite file.
    const dbFile = path.join(OUT, 'push-bench.sqlite');
    for (const f of [dbFile, dbFile + '-wal', dbFile + '-shm']) rmSync(f, { force: true });
    const setup = await openDb(`sqlite:${dbFile}`);
    const { token } = await createToken(setup, { unit: 'BENCH', role: 'clerk' });
    await setup.close();
    const server = await startServer(`sqlite:${dbFile}`);
    try {
      const serverCpu0 = cpuSeconds(server.pid);
      const faults0 = minorFaults(server.pid);
      const clientCpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      // The CLI's client and transport (cli/args.ts serverOptions).
      // The upload's share: when the last chunk is answered, before the commit.
      let uploadFaults = 0;
      let uploadMs = 0;
      const r = await pushLedger({ server: server.url, token, fetch: nodeFetch }, prepared!, (pr) => {
        if (pr.sent < pr.total) return;
        uploadFaults = minorFaults(server.pid) - faults0;
        uploadMs = Number(process.hrtime.bigint() - t0) / 1e6;
      });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      pushMs = Math.min(pushMs, ms);
      rss = Math.max(rss, peakRssMb(server.pid));
      // Both sides' CPU: on two cores their sum bounds how far the push can overlap.
      const client = process.cpuUsage(clientCpu0);
      console.log(`push round ${round + 1}: ${(ms / 1000).toFixed(2)} s; CPU: service ${(cpuSeconds(server.pid) - serverCpu0).toFixed(2)} s, client ${((client.user + client.system) / 1e6).toFixed(2)} s; service page faults ${minorFaults(server.pid) - faults0} (upload ${uploadFaults} in ${uploadMs.toFixed(0)} ms)`);
      if (round === 0) console.log(`push: snapshot ${r.snapshot_id}, ${r.row_count} rows stored, findings ${JSON.stringify(r.findings_summary)}`);
    } finally {
      server.stop();
    }

    // The baseline: the same typed rows into the same table (the product's migrations, its index),
    // raw better-sqlite3, one prepared statement, one transaction.
    const rawFile = path.join(OUT, 'raw-bench.sqlite');
    for (const f of [rawFile, rawFile + '-wal', rawFile + '-shm']) rmSync(f, { force: true });
    await (await openDb(`sqlite:${rawFile}`)).close();
    const raw = new Database(rawFile);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    // The parent rows the foreign keys ask for, as the product has them.
    raw.exec(`INSERT INTO units (id, code, created_at) VALUES (1, 'RAW', '2024-06-30')`);
    raw.exec(`INSERT INTO snapshots (id, unit_id, kind, period, content_hash, row_count, source_workbook, head, token_id, created_by, created_at,
      findings_error, findings_warning, findings_info) VALUES (1, 1, 'purchase', '2024-06', '', 0, 'x', '{}', 1, 'raw', '2024-06-30', 0, 0, 0)`);
    const stmt = raw.prepare(`INSERT INTO purchase_rows (${cols.map((c) => `"${c}"`).join(',')}) VALUES (${cols.map(() => '?').join(',')})`);
    const t1 = process.hrtime.bigint();
    raw.transaction(() => {
      for (const row of ledger.rows) {
        stmt.run(1, row.sheet, row.row, row.valid ? 1 : 0, Object.keys(row.raw).length ? JSON.stringify(row.raw) : null, ...fields.map((f) => row.values[f] ?? null));
      }
    })();
    rawMs = Math.min(rawMs, Number(process.hrtime.bigint() - t1) / 1e6);
    raw.close();
  }

  const n = ledger.rows.length;
  console.log(`push over HTTP (open, ${Math.ceil(n / 10_000)} chunks, commit), best of ${repeats}: ${(pushMs / 1000).toFixed(2)} s, ${Math.round(n / (pushMs / 1000))} rows/s`);
  console.log(`raw better-sqlite3 insert, best of ${repeats}: ${(rawMs / 1000).toFixed(2)} s, ${Math.round(n / (rawMs / 1000))} rows/s`);
  console.log(`server peak RSS: ${rss.toFixed(0)} MB (goal < 400 MB)`);
  console.log(`ratio=${(pushMs / rawMs).toFixed(3)} goal<=4`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
