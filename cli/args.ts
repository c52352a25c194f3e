/** Option parsing shared by the commands: one-line errors, never a stack trace. */
import { nodeFetch } from './node-fetch';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { Lang } from '../shared/findings';
import { ApiRequestError } from '../shared/api-client';

/** A problem that stops the command before any result: one line on stderr, exit 2. */
export class UsageError extends Error {}

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
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
}

export function langOption(v: string | undefined): Lang {
  const lang = v ?? 'zh';
  if (lang !== 'zh' && lang !== 'en') throw new UsageError(`--lang must be zh or en, got "${lang}"`);
  return lang;
}

export function yearOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}$/.test(v)) throw new UsageError(`--year must be a year YYYY, got "${v}"`);
  return +v;
}

export function periodOption(v: string | undefined, name = '--period'): string {
  if (v === undefined) throw new UsageError(`${name} YYYY-MM is required`);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) throw new UsageError(`${name} must be a month YYYY-MM, got "${v}"`);
  return v;
}

/** The options of every command that talks to the service. */
export const SERVER_OPTIONS = { server: { type: 'string' }, token: { type: 'string' } } as const;

/** One exchange with the service: a refusal becomes the one line the user sees, naming what was refused. */
export async function askServer<T>(what: string, exchange: () => Promise<T>): Promise<T> {
  try {
    return await exchange();
  } catch (e) {
    if (e instanceof ApiRequestError) throw new UsageError(`${what} refused: ${e.message}${e.status ? ` (HTTP ${e.status})` : ''}`);
    throw e;
  }
}

/** --server and --token, or LEDGER_SYNC_SERVER and LEDGER_SYNC_TOKEN. */
export function serverOptions(values: { server?: string; token?: string }): { server: string; token: string; fetch: typeof fetch } {
  const server = values.server ?? process.env.LEDGER_SYNC_SERVER;
  const token = values.token ?? process.env.LEDGER_SYNC_TOKEN;
  if (!server) throw new UsageError('--server URL (or LEDGER_SYNC_SERVER) is required');
  if (!/^https?:\/\/[^/]+/.test(server)) throw new UsageError(`--server must be an http(s) URL, got "${server}"`);
  if (!token) throw new UsageError('--token (or LEDGER_SYNC_TOKEN) is required');
  return { server, token, fetch: nodeFetch };
}
