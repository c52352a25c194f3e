/** Option parsing shared by the commands: one-line errors, never a stack trace. */
import { nodeFetch } from './node-fetch';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { Lang } from '../shared/findings';
import { ApiRequestError } from '../shared/api-client';
import { Said, SaidError } from '../shared/said-error';

export type { Said };

/** A problem that stops the command before any result: one line on stderr, exit 2, in the session's language. */
export class UsageError extends SaidError {}

/**
 * The session's language: `--lang`, else the locale (LC_ALL, LC_MESSAGES, LANG: `en_US.UTF-8` is
 * English), else Chinese — also before (or when) the options fail to parse.
 */
export function sessionLang(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Lang {
  const i = argv.indexOf('--lang');
  const v = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--lang='))?.slice(7);
  if (v === 'en' || v === 'zh') return v;
  return localeLang(env);
}

/** The first locale variable that is set decides, as for any POSIX program; Chinese unless it says English. */
export function localeLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^en([_.@-]|$)/i.test(locale) ? 'en' : 'zh';
}

/** Node's option-parser refusals, said in both languages. */
function parseRefusal(e: { code?: string; message: string }): Said {
  const name = /'(-[^']*)'/.exec(e.message)?.[1] ?? /"([^"]*)"/.exec(e.message)?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return { zh: `未知的选项“${name}”：运行 ledger-sync --help 查看用法`, en: `Unknown option '${name}': run ledger-sync --help for the usage` };
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return { zh: `选项“${name.split(' ')[0]}”需要一个值：运行 ledger-sync --help 查看用法`, en: `${e.message.split('\n')[0]}` };
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return { zh: `多余的参数“${name}”：运行 ledger-sync --help 查看用法`, en: `${e.message.split('\n')[0]}` };
    default:
      return { zh: `参数有误：运行 ledger-sync --help 查看用法`, en: e.message.split('\n')[0]! };
  }
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Whether stderr is a terminal (a redrawn progress line) or a log (one line per step). */
  tty?: boolean;
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, allowPositionals: true, options, strict: true });
  } catch (e) {
    throw new UsageError(parseRefusal(e as { code?: string; message: string }));
  }
}

export function langOption(v: string | undefined): Lang {
  const lang = v ?? localeLang();
  if (lang !== 'zh' && lang !== 'en') throw new UsageError({ zh: `--lang 只能是 zh 或 en，而不是“${lang}”`, en: `--lang must be zh or en, got "${lang}"` });
  return lang;
}

export function yearOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}$/.test(v)) throw new UsageError({ zh: `--year 应为四位年份（如 2024），而不是“${v}”`, en: `--year must be a year YYYY, got "${v}"` });
  return +v;
}

export function periodOption(v: string | undefined, name = '--period'): string {
  if (v === undefined) throw new UsageError({ zh: `缺少 ${name} YYYY-MM（如 ${name} 2024-06）`, en: `${name} YYYY-MM is required` });
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) throw new UsageError({ zh: `${name} 应为年月 YYYY-MM（如 2024-06），而不是“${v}”`, en: `${name} must be a month YYYY-MM, got "${v}"` });
  return v;
}

/** The options of every command that talks to the service. */
export const SERVER_OPTIONS = { server: { type: 'string' }, token: { type: 'string' } } as const;

/**
 * One exchange with the service: a refusal becomes the one line the user sees, naming what was
 * refused; the service's own words are already in the session's language (Accept-Language).
 */
export async function askServer<T>(what: Said, exchange: () => Promise<T>): Promise<T> {
  try {
    return await exchange();
  } catch (e) {
    if (!(e instanceof ApiRequestError)) throw e;
    if (e.status === 0) throw new UsageError({ zh: `${what.zh}未完成：${e.message}`, en: `${what.en} failed: ${e.message}` });
    throw new UsageError({ zh: `${what.zh}被拒绝：${e.message}（HTTP ${e.status}）`, en: `${what.en} refused: ${e.message} (HTTP ${e.status})` });
  }
}

/** --server and --token, or LEDGER_SYNC_SERVER and LEDGER_SYNC_TOKEN. */
export function serverOptions(values: { server?: string; token?: string; lang?: string }): { server: string; token: string; fetch: typeof fetch; lang: Lang } {
  const server = values.server ?? process.env.LEDGER_SYNC_SERVER;
  const token = values.token ?? process.env.LEDGER_SYNC_TOKEN;
  if (!server) throw new UsageError({ zh: '缺少 --server 服务器地址（或环境变量 LEDGER_SYNC_SERVER）', en: '--server URL (or LEDGER_SYNC_SERVER) is required' });
  if (!/^https?:\/\/[^/]+/.test(server)) throw new UsageError({ zh: `--server 应为 http(s) 地址，而不是“${server}”`, en: `--server must be an http(s) URL, got "${server}"` });
  if (!token) throw new UsageError({ zh: '缺少 --token 令牌（或环境变量 LEDGER_SYNC_TOKEN）', en: '--token (or LEDGER_SYNC_TOKEN) is required' });
  // The service answers refusals (an expired token, a closed month) in the session's language: --lang, else the locale's.
  return { server, token, fetch: nodeFetch, lang: values.lang === 'en' || values.lang === 'zh' ? values.lang : localeLang() };
}
