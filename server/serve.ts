/** Starting the service: database, HTTPS with localhost development certificates, or plain HTTP. */
import { ReferenceData } from '../shared/reference';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import pino, { Logger } from 'pino';
import { openDb, Db, DEFAULT_DB_URL } from './db';
import { createApp, DEFAULT_APP_OPTIONS, reconcilerOf } from './app';
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
async function certificates(certDir: string): Promise<Certs> {
  const envCert = process.env.LEDGER_SYNC_CERT;
  const envKey = process.env.LEDGER_SYNC_KEY;
  if (envCert && envKey) return { cert: readFileSync(envCert), key: readFileSync(envKey), ca: null, generated: false };
  const home = path.join(os.homedir(), '.office-addin-dev-certs');
  if (existsSync(path.join(home, 'localhost.crt')) && existsSync(path.join(home, 'localhost.key'))) {
    return { cert: readFileSync(path.join(home, 'localhost.crt')), key: readFileSync(path.join(home, 'localhost.key')), ca: path.join(home, 'ca.crt'), generated: false };
  }
  const ca = path.join(certDir, 'ca.crt');
  const crt = path.join(certDir, 'localhost.crt');
  const key = path.join(certDir, 'localhost.key');
  if (!existsSync(crt) || !existsSync(key)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { generateCertificates } = require('office-addin-dev-certs/lib/generate') as {
      generateCertificates: (ca: string, crt: string, key: string, days: number) => Promise<void>;
    };
    await generateCertificates(ca, crt, key, 365);
  }
  return { cert: readFileSync(crt), key: readFileSync(key), ca, generated: true };
}

function failpointFromEnv(): InsertFailpoint | undefined {
  const m = /^(throw|hang)-after-(\d+)$/.exec(process.env.LEDGER_SYNC_FAILPOINT ?? '');
  return m ? { action: m[1] as 'throw' | 'hang', afterRows: Number(m[2]) } : undefined;
}

export async function serve(o: Partial<ServeOptions> = {}): Promise<Running> {
  const opts: ServeOptions = { port: 3000, host: '127.0.0.1', dbUrl: DEFAULT_DB_URL, http: false, certDir: 'data/certs', ...o };
  const log = opts.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const db = await openDb(opts.dbUrl);
  let scheme: 'http' | 'https' = opts.http ? 'http' : 'https';
  let certs: Certs | null = null;
  if (!opts.http) {
    try {
      certs = await certificates(opts.certDir);
    } catch (e) {
      log.warn(`could not make development certificates (${(e as Error).message.split('\n')[0]}); serving plain HTTP`);
      scheme = 'http';
    }
  }
  const origin = `${scheme}://localhost:${opts.port}`;
  const cache = new ChunkCache();
  const app = createApp(db, {
    corsOrigins: opts.corsOrigins ?? [origin, ...DEFAULT_APP_OPTIONS.corsOrigins],
    addinDir: opts.addinDir,
    logger: log,
    push: { ...DEFAULT_PUSH_OPTIONS, cache, failpoint: failpointFromEnv(), ...(opts.ref ? { ref: opts.ref } : {}) },
  });
  const server = certs ? https.createServer({ cert: certs.cert, key: certs.key }, app) : http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const url = `${scheme}://localhost:${port}`;
  const sweep = setInterval(() => void expirePushes(db, new Date(), cache).catch((e) => log.warn({ err: e }, 'expiring pushes failed')), 60_000);
  sweep.unref();
  log.info(`ledger-sync listening on ${url} (database ${opts.dbUrl.startsWith('sqlite:') ? opts.dbUrl : 'postgres'})`);
  if (certs?.generated && certs.ca) log.info(`HTTPS uses a development CA generated at ${path.resolve(certs.ca)}: trust it once (README, "Trust the certificate")`);
  return {
    url,
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
