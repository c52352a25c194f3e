/** `ledger-sync serve` and `ledger-sync token create`: the service and its tokens. */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { DEFAULT_DB_URL, openDb } from '../server/db';
import { createToken } from '../server/auth';
import { serve } from '../server/serve';
import { Io, UsageError, langOption, parse } from './args';
import { loadReference } from './reference-file';

/** The project's dist/addin wherever `serve` is started from (dist/cli or cli/ under tsx). */
function builtAddinDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'addin');
}

function dbUrl(v: string | undefined): string {
  return v ?? process.env.DATABASE_URL ?? DEFAULT_DB_URL;
}

/**
 * Under `npm start` the service runs below a shell that npm signals but that (dash, on Debian) does
 * not pass SIGTERM on: it dies and leaves the service holding the port. So a service started by npm
 * stops when the shell that started it is gone (its parent changes), as if signalled itself.
 */
function stopWithNpm(stop: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(watch);
      stop();
    }
  }, 500);
  watch.unref();
}

export async function runServe(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    db: { type: 'string' },
    http: { type: 'boolean' },
    'addin-dir': { type: 'string' },
    reference: { type: 'string' },
    // The language of its refusals (a port in use, HTTPS that cannot start); what it prints at start is in both.
    lang: { type: 'string' },
  });
  langOption(values.lang);
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got "${positionals[0]}"`);
  const port = values.port === undefined ? Number(process.env.PORT ?? 3000) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${values.port}"`);
  const running = await serve({
    port,
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    dbUrl: dbUrl(values.db),
    http: values.http ?? process.env.LEDGER_SYNC_HTTP === '1',
    addinDir: values['addin-dir'] ?? builtAddinDir(),
    ref: loadReference(values.reference),
  });
  io.err(`ledger-sync: serving ${running.url} on ${running.listening} (Ctrl+C stops)\n`);
  // What a newcomer opens first, in both languages (the console's locale is not the clerk's).
  io.err(`  网页工作台 / web workbench: ${running.url}/\n  Excel 加载项 / Excel add-in:  ${running.url}/addin/taskpane.html (manifest: ledger-sync manifest)\n`);
  if (running.lanUrls.length > 0) {
    io.err(`  本单位其他电脑 / other computers of the unit: ${running.lanUrls.map((u) => u + '/').join('  ')}\n`);
  } else {
    io.err(`  仅本机可访问；--host 0.0.0.0 让本单位其他电脑访问（README“在单位内网使用”）/ only this computer can reach it; --host 0.0.0.0 lets the unit's other computers in (README, "On the unit's network")\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    stopWithNpm(stop);
  });
  await running.close();
  return 0;
}

export async function runToken(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new UsageError('usage: ledger-sync token create --unit CODE [--unit-name NAME] --role clerk|reviewer|admin [--db URL]');
  const { values, positionals } = parse(rest, {
    unit: { type: 'string' },
    'unit-name': { type: 'string' },
    role: { type: 'string' },
    label: { type: 'string' },
    db: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`token create takes no arguments, got "${positionals[0]}"`);
  if (!values.unit) throw new UsageError('--unit CODE is required');
  if (!values.role) throw new UsageError('--role clerk|reviewer|admin is required');
  if (!['clerk', 'reviewer', 'admin'].includes(values.role)) throw new UsageError(`--role must be clerk, reviewer or admin, got "${values.role}"`);
  const db = await openDb(dbUrl(values.db));
  try {
    const r = await createToken(db, { unit: values.unit, unitName: values['unit-name'], role: values.role, label: values.label });
    io.out(r.token + '\n');
    io.err(`ledger-sync: token for unit ${r.unit}, role ${r.role}; it is shown only this once\n`);
  } finally {
    await db.close();
  }
  return 0;
}
