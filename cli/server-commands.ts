/** `ledger-sync serve` and `ledger-sync token create`: the service and its tokens. */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { DEFAULT_DB_URL, openDb } from '../server/db';
import { createToken, listTokens, revokeToken } from '../server/tokens';
import { HttpError } from '../server/http-errors';
import type { Db } from '../server/db';
import { serve } from '../server/serve';
import { Io, UsageError, langOption, parse, sessionLang } from './args';
import { loadReference } from './reference-file';

/** The project's dist/addin wherever `serve` is started from (dist/cli or cli/ under tsx). */
function builtAddinDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'addin');
}

/** --db, else DATABASE_URL, else the embedded default: for every command that opens the database. */
export function dbUrl(v: string | undefined): string {
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
  if (positionals.length > 0) throw new UsageError({ zh: `serve 不带参数，多了“${positionals[0]}”`, en: `serve takes no arguments, got "${positionals[0]}"` });
  const port = values.port === undefined ? Number(process.env.PORT ?? 3000) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError({ zh: `--port 应为端口号（0–65535），而不是“${values.port}”`, en: `--port must be a port number, got "${values.port}"` });
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

const TOKEN_USAGE = {
  zh: '用法：ledger-sync token create --unit 单位代码 [--unit-name 名称] --role clerk|reviewer|admin [--label 说明] [--expires-in 90d|12w|6m|1y|never] [--db URL] [--json]\n      ledger-sync token list [--unit 单位代码] [--db URL] [--json]\n      ledger-sync token revoke <编号> [--db URL] [--json]',
  en: 'usage: ledger-sync token create --unit CODE [--unit-name NAME] --role clerk|reviewer|admin [--label TEXT] [--expires-in 90d|12w|6m|1y|never] [--db URL] [--json]\n       ledger-sync token list [--unit CODE] [--db URL] [--json]\n       ledger-sync token revoke <id> [--db URL] [--json]',
};

/** A refusal of the token service (an HttpError) as the CLI's one line: the service's words in the session's language, exit 2. */
async function withDb<T>(url: string | undefined, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(dbUrl(url));
  try {
    return await fn(db);
  } catch (e) {
    if (e instanceof HttpError) throw new UsageError(e.said);
    throw e;
  } finally {
    await db.close();
  }
}

export async function runToken(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const lang = sessionLang(rest);
  if (sub === 'list') return tokenList(rest, io, lang);
  if (sub === 'revoke') return tokenRevoke(rest, io, lang);
  if (sub !== 'create') throw new UsageError(TOKEN_USAGE);
  const { values, positionals } = parse(rest, {
    unit: { type: 'string' },
    'unit-name': { type: 'string' },
    role: { type: 'string' },
    label: { type: 'string' },
    'expires-in': { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
    lang: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError({ zh: `token create 不带参数，多了“${positionals[0]}”`, en: `token create takes no arguments, got "${positionals[0]}"` });
  if (!values.unit) throw new UsageError({ zh: '缺少 --unit 单位代码', en: '--unit CODE is required' });
  if (!values.role) throw new UsageError({ zh: '缺少 --role：clerk（经办人员）、reviewer（复核人员）或 admin（管理员）', en: '--role clerk|reviewer|admin is required' });
  if (!['clerk', 'reviewer', 'admin'].includes(values.role)) throw new UsageError({ zh: `--role 应为 clerk（经办人员）、reviewer（复核人员）或 admin（管理员），而不是“${values.role}”`, en: `--role must be clerk, reviewer or admin, got "${values.role}"` });
  const r = await withDb(values.db, (db) => createToken(db, { unit: values.unit!, unitName: values['unit-name'], role: values.role!, label: values.label, expiresIn: values['expires-in'] }));
  if (values.json) {
    io.out(JSON.stringify(r, null, 2) + '\n');
  } else {
    io.out(r.token + '\n');
    const until = r.expires_at ? (lang === 'zh' ? `有效期至 ${r.expires_at}` : `valid until ${r.expires_at}`) : lang === 'zh' ? '永不过期' : 'never expires';
    io.err(lang === 'zh'
      ? `ledger-sync: 已为单位 ${r.unit} 创建令牌（编号 ${r.id}，角色 ${r.role}，${until}）；令牌只显示这一次\n`
      : `ledger-sync: token ${r.id} for unit ${r.unit}, role ${r.role}, ${until}; it is shown only this once\n`);
  }
  return 0;
}

async function tokenList(args: string[], io: Io, lang: 'zh' | 'en'): Promise<number> {
  const { values, positionals } = parse(args, { unit: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' }, lang: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(TOKEN_USAGE);
  const tokens = await withDb(values.db, (db) => listTokens(db, values.unit));
  if (values.json) {
    io.out(JSON.stringify({ tokens }, null, 2) + '\n');
    return 0;
  }
  const STATE = lang === 'zh' ? { active: '有效', expired: '已过期', revoked: '已吊销' } : { active: 'active', expired: 'expired', revoked: 'revoked' };
  const head = lang === 'zh' ? ['编号', '单位', '角色', '说明', '创建', '最近使用', '到期', '状态'] : ['id', 'unit', 'role', 'label', 'created', 'last used', 'expires', 'state'];
  const day = (t: string | null, none: string) => (t ? t.slice(0, 16).replace('T', ' ') : none);
  const rows = tokens.map((t) => [String(t.id), t.unit, t.role, t.label ?? '', day(t.created_at, ''), day(t.last_used_at, '—'), day(t.expires_at, lang === 'zh' ? '永不' : 'never'), STATE[t.state]]);
  for (const r of [head, ...rows]) io.out(r.join('\t') + '\n');
  return 0;
}

async function tokenRevoke(args: string[], io: Io, lang: 'zh' | 'en'): Promise<number> {
  const { values, positionals } = parse(args, { db: { type: 'string' }, json: { type: 'boolean' }, lang: { type: 'string' } });
  const id = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(id) || id < 1) {
    throw new UsageError({ zh: 'token revoke 需要一个令牌编号（见 ledger-sync token list）', en: 'token revoke takes one token id (see ledger-sync token list)' });
  }
  const t = await withDb(values.db, (db) => revokeToken(db, id));
  if (values.json) io.out(JSON.stringify(t, null, 2) + '\n');
  else io.out(lang === 'zh' ? `令牌 ${t.id}（单位 ${t.unit}，${t.role}）已于 ${t.revoked_at} 吊销\n` : `token ${t.id} (unit ${t.unit}, ${t.role}) revoked at ${t.revoked_at}\n`);
  return 0;
}
