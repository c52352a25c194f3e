/**
 * How hard the service can be pushed: requests per client address (before the token is looked up),
 * requests per token (after, so every spelling of `Bearer` shares one budget), and failed sign-ins
 * per address, each answered more slowly until the address is refused for the rest of the window.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { HttpError, requestLang } from './http-errors';
import { SaidError } from '../shared/said-error';

export interface RateLimits {
  /** Requests a minute from one client address, whatever token they carry. */
  perAddress: number;
  /** Requests a minute with one token. */
  perToken: number;
  /** Failed sign-ins (unknown or revoked tokens, no token) from one address per window before it is refused. */
  authFailures: number;
  /** The window failed sign-ins are counted in. */
  authFailureWindowMs: number;
  /** Failed sign-ins answered at once; each one after waits twice as long as the one before, from this delay. */
  authFailuresFree: number;
  authFailureDelayMs: number;
  authFailureMaxDelayMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perAddress: 3000,
  perToken: 1200,
  authFailures: 30,
  authFailureWindowMs: 15 * 60_000,
  authFailuresFree: 5,
  authFailureDelayMs: 250,
  authFailureMaxDelayMs: 8000,
};

/** LEDGER_SYNC_RATE_PER_ADDRESS, LEDGER_SYNC_RATE_PER_TOKEN, LEDGER_SYNC_AUTH_FAILURES: whole numbers ≥ 1. */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<RateLimits> {
  const out: Partial<RateLimits> = {};
  const take = (name: string, key: 'perAddress' | 'perToken' | 'authFailures') => {
    const v = env[name];
    if (v === undefined || v === '') return;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new SaidError({ zh: `${name} 应为不小于 1 的整数，现为“${v}”`, en: `${name} must be a whole number of at least 1, got "${v}"` });
    out[key] = n;
  };
  take('LEDGER_SYNC_RATE_PER_ADDRESS', 'perAddress');
  take('LEDGER_SYNC_RATE_PER_TOKEN', 'perToken');
  take('LEDGER_SYNC_AUTH_FAILURES', 'authFailures');
  return out;
}

/** The client's address as counted: IPv6 by /56, as express-rate-limit does, so one host cannot rotate through its own subnet. */
export const addressKey = (req: Request): string => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? '');

function tooMany(req: Request, res: Response, retryAfterSeconds: number, limit: string): void {
  const s = Math.max(1, Math.ceil(retryAfterSeconds));
  res.set('Retry-After', String(s));
  const message = requestLang(req) === 'zh' ? `请求过多（${limit}）：请 ${s} 秒后再试` : `too many requests (${limit}): retry in ${s} s`;
  res.status(429).json({ error: { code: 'rate_limited', message } });
}

function perMinute(limit: number, key: (req: Request) => string, what: { zh: string; en: string }): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: key,
    // Our own key functions already fold IPv6 addresses; the library's check of that is for its default.
    validate: { keyGeneratorIpFallback: false },
    handler: (req, res) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? (reset.getTime() - Date.now()) / 1000 : 60;
      tooMany(req, res, seconds, requestLang(req) === 'zh' ? `${what.zh}每分钟 ${limit} 次` : `${limit} a minute ${what.en}`);
    },
  });
}

export const addressLimiter = (limits: RateLimits) => perMinute(limits.perAddress, (req) => 'address:' + addressKey(req), { zh: '同一地址', en: 'from one address' });

/** After authentication: keyed by the token's id, never by how the header was written. */
export const tokenLimiter = (limits: RateLimits) => perMinute(limits.perToken, (req) => 'token:' + String(req.auth?.tokenId), { zh: '同一令牌', en: 'with one token' });

/** Failed sign-ins per address: counted, answered ever more slowly, then refused until the window ends. */
export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly limits: RateLimits, private readonly now: () => number = Date.now) {}

  private entry(key: string): { count: number; since: number } | undefined {
    const e = this.failures.get(key);
    if (e && this.now() - e.since >= this.limits.authFailureWindowMs) {
      this.failures.delete(key);
      return undefined;
    }
    return e;
  }

  /** Refuses (429) an address that has used up its failed sign-ins, before its token is looked up. */
  guard(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const e = this.entry(addressKey(req));
      if (e && e.count >= this.limits.authFailures) {
        const lang = requestLang(req);
        tooMany(req, res, (e.since + this.limits.authFailureWindowMs - this.now()) / 1000, lang === 'zh' ? '登录失败次数过多' : 'too many failed sign-ins');
        return;
      }
      next();
    };
  }

  /** Counts a failed sign-in and waits before it is answered: nothing for the first few, then doubling. */
  async failed(req: Request, refusal: HttpError): Promise<never> {
    const key = addressKey(req);
    const e = this.entry(key) ?? { count: 0, since: this.now() };
    e.count++;
    this.failures.set(key, e);
    if (this.failures.size > 100_000) this.prune();
    const over = e.count - this.limits.authFailuresFree;
    if (over > 0) {
      const wait = Math.min(this.limits.authFailureMaxDelayMs, this.limits.authFailureDelayMs * 2 ** Math.min(over - 1, 30));
      await new Promise((r) => setTimeout(r, wait));
    }
    throw refusal;
  }

  private prune(): void {
    const t = this.now();
    for (const [k, e] of this.failures) if (t - e.since >= this.limits.authFailureWindowMs) this.failures.delete(k);
  }
}
