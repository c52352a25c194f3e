/** Starting the service: database, HTTPS with localhost development certificates, or plain HTTP. */
import { ReferenceData } from '../shared/reference';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { SaidError } from '../shared/said-error';
import pino, { Logger } from 'pino';
import { openDb, Db, DEFAULT_DB_URL } from './db';
import { createApp, DEFAULT_APP_OPTIONS, reconcilerOf } from './app';
import { rateLimitsFromEnv } from './rate-limits';
import { DEFAULT_PUSH_OPTIONS, expirePushes } from './push-service';
import { InsertFailpoint } from './row-store';
import { ChunkCache } from './chunk-cache';

export interface ServeOptions {
  port: number;
  host: string;
  dbUrl: string;
  /** Plain HTTP (behind a TLS-terminating proxy, and for scripts and tests). */
  http: boolean;
  /** Where generated development certificates are kept. */
  certDir: string;
  corsOrigins?: string[];
  addinDir?: string;
  logger?: Logger;
  /** The deployment's reference data (defaults of reference.md when absent). */
  ref?: ReferenceData;
}

export interface Running {
  url: string;
  /** Where the unit's other computers reach it: one URL per network address when listening on all of them (--host 0.0.0.0). */
  lanUrls: string[];
  /** The address and port listened on. */
  listening: string;
  db: Db;
  server: http.Server;
  close(): Promise<void>;
}

interface Certs {
  cert: Buffer;
  key: Buffer;
  ca: string | null;
  generated: boolean;
}

/**
 * Certificates in order of preference: LEDGER_SYNC_CERT/LEDGER_SYNC_KEY; those that
 * `npx office-addin-dev-certs install` made and trusted in ~/.office-addin-dev-certs; else a
 * CA and localhost certificate generated into certDir (trust its ca.crt once, see README).
 */
export async function certificates(certDir: string, home = path.join(os.homedir(), '.office-addin-dev-certs')): Promise<Certs> {
  const envCert = process.env.LEDGER_SYNC_CERT;
  const envKey = process.env.LEDGER_SYNC_KEY;
  if (envCert && envKey) return { cert: readFileSync(envCert), key: readFileSync(envKey), ca: null, generated: false };
  if (existsSync(path.join(home, 'localhost.crt')) && existsSync(path.join(home, 'localhost.key'))) {
    return { cert: readFileSync(path.join(home, 'localhost.crt')), key: readFileSync(path.join(home, 'localhost.key')), ca: path.join(home, 'ca.crt'), generated: false };
  }
  const ca = path.join(certDir, 'ca.crt');
  const crt = path.join(certDir, 'localhost.crt');
  const key = path.join(certDir, 'localhost.key');
  if (!existsSync(crt) || !existsSync(key)) await generateInto(certDir);
  // A key another user of the machine can read is no secret: earlier versions wrote it 0644.
  if (process.platform !== 'win32' && (statSync(key).mode & 0o077) !== 0) chmodSync(key, 0o600);
  return { cert: readFileSync(crt), key: readFileSync(key), ca, generated: true };
}

/**
 * A development CA and localhost certificate made in a folder only this user can open (mkdtemp is
 * 0700), the key made 0600 there, then moved beside each other into certDir: the key is never
 * readable by others, not even for a moment.
 */
async function generateInto(certDir: string): Promise<void> {
  mkdirSync(certDir, { recursive: true, mode: 0o700 });
  const tmp = mkdtempSync(path.join(certDir, '.new-'));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { generateCertificates } = require('office-addin-dev-certs/lib/generate') as {
      generateCertificates: (ca: string, crt: string, key: string, days: number) => Promise<void>;
    };
    const log = console.log;
    // The library announces its work on stdout; serve says what matters itself.
    console.log = () => undefined;
    try {
      await generateCertificates(path.join(tmp, 'ca.crt'), path.join(tmp, 'localhost.crt'), path.join(tmp, 'localhost.key'), 365);
    } finally {
      console.log = log;
    }
    chmodSync(path.join(tmp, 'localhost.key'), 0o600);
    for (const f of ['ca.crt', 'localhost.crt', 'localhost.key']) renameSync(path.join(tmp, f), path.join(certDir, f));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** HTTPS that cannot start is a refusal with what to do, never a quiet fall-back to plain HTTP. */
export class CertificateError extends SaidError {}

/** The port is taken, not ours to use, or the address not this computer's: one line, with what to do. */
export class ListenError extends SaidError {}

/** What went wrong with the certificate files, in both languages (a file's own errors are English). */
function certificateProblem(e: NodeJS.ErrnoException): { zh: string; en: string } {
  const file = e.path ?? '';
  if (e.code === 'ENOENT') return { zh: `找不到 ${file}`, en: `${file} not found` };
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS') return { zh: `无权读写 ${file}`, en: `no permission to read or write ${file}` };
  if (e.code === 'ENOTDIR' || e.code === 'EEXIST') return { zh: `${file} 不是文件夹`, en: `${file} is not a folder` };
  return { zh: '证书无法读取或生成', en: `the certificate cannot be read or made: ${(e.message ?? '').split('\n')[0]}` };
}

function failpointFromEnv(): InsertFailpoint | undefined {
  const m = /^(throw|hang)-after-(\d+)$/.exec(process.env.LEDGER_SYNC_FAILPOINT ?? '');
  return m ? { action: m[1] as 'throw' | 'hang', afterRows: Number(m[2]) } : undefined;
}

/** This computer's addresses on its networks, when the service listens on all of them; else the one it was given, unless loopback. */
function lanAddresses(host: string): string[] {
  if (host === '0.0.0.0' || host === '::') {
    return Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => !!a && !a.internal && (a.family === 'IPv4' || host === '::'))
      .map((a) => (a.family === 'IPv6' ? `[${a.address}]` : a.address));
  }
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' ? [] : [host.includes(':') ? `[${host}]` : host];
}

function listenRefusal(e: NodeJS.ErrnoException, host: string, port: number): Error {
  if (e.code === 'EADDRINUSE') {
    return new ListenError({
      zh: `端口 ${port} 已被占用（${host}）：可能 ledger-sync 已在运行；请先停止它，或用 --port 换一个端口（如 --port ${port + 1}）`,
      en: `port ${port} is already in use (${host}): ledger-sync may be running already; stop it, or choose another port with --port (e.g. --port ${port + 1})`,
    });
  }
  if (e.code === 'EACCES') {
    return new ListenError({
      zh: `没有权限使用端口 ${port}：1024 以下的端口需要管理员权限；请用 --port 选择 1024 以上的端口`,
      en: `no permission to use port ${port}: ports below 1024 need administrator rights; choose one above 1024 with --port`,
    });
  }
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
    return new ListenError({
      zh: `本机没有地址 ${host}：--host 应为本机的一个地址，或 0.0.0.0（所有网卡）`,
      en: `this computer has no address ${host}: --host must be one of its addresses, or 0.0.0.0 (every network card)`,
    });
  }
  return e;
}

export async function serve(o: Partial<ServeOptions> = {}): Promise<Running> {
  const opts: ServeOptions = { port: 3000, host: '127.0.0.1', dbUrl: DEFAULT_DB_URL, http: false, certDir: 'data/certs', ...o };
  const log = opts.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const rateLimits = rateLimitsFromEnv(process.env);
  const db = await openDb(opts.dbUrl);
  const scheme: 'http' | 'https' = opts.http ? 'http' : 'https';
  let certs: Certs | null = null;
  if (!opts.http) {
    try {
      certs = await certificates(opts.certDir);
    } catch (e) {
      await db.close();
      const why = certificateProblem(e as NodeJS.ErrnoException);
      throw new CertificateError({
        zh: `无法启用 HTTPS（${why.zh}）：请用 LEDGER_SYNC_CERT 和 LEDGER_SYNC_KEY 指定证书和私钥文件，检查 ${opts.certDir} 是否可写；或在由反向代理提供 HTTPS 时加 --http 启动`,
        en: `cannot start HTTPS (${why.en}): give a certificate and key with LEDGER_SYNC_CERT and LEDGER_SYNC_KEY, check that ${opts.certDir} is writable, or start with --http behind a proxy that serves HTTPS`,
      });
    }
  }
  const origin = `${scheme}://localhost:${opts.port}`;
  const cache = new ChunkCache();
  const app = createApp(db, {
    corsOrigins: opts.corsOrigins ?? [origin, ...DEFAULT_APP_OPTIONS.corsOrigins],
    addinDir: opts.addinDir,
    logger: log,
    rateLimits,
    push: { ...DEFAULT_PUSH_OPTIONS, cache, failpoint: failpointFromEnv(), ...(opts.ref ? { ref: opts.ref } : {}) },
  });
  const server = certs ? https.createServer({ cert: certs.cert, key: certs.key }, app) : http.createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (e) {
    await reconcilerOf(app).stop();
    await db.close();
    throw listenRefusal(e as NodeJS.ErrnoException, opts.host, opts.port);
  }
  const port = (server.address() as { port: number }).port;
  const url = `${scheme}://localhost:${port}`;
  const lanUrls = lanAddresses(opts.host).map((a) => `${scheme}://${a}:${port}`);
  const sweep = setInterval(() => void expirePushes(db, new Date(), cache).catch((e) => log.warn({ err: e }, 'expiring pushes failed')), 60_000);
  sweep.unref();
  log.info(`ledger-sync listening on ${url} (database ${opts.dbUrl.startsWith('sqlite:') ? opts.dbUrl : 'postgres'})`);
  if (certs?.generated && certs.ca) log.info(`HTTPS uses a development CA generated at ${path.resolve(certs.ca)}: trust it once (README, "Trust the certificate")`);
  return {
    url,
    lanUrls,
    listening: `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    db,
    server,
    close: async () => {
      clearInterval(sweep);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await reconcilerOf(app).stop();
      await db.close();
    },
  };
}
