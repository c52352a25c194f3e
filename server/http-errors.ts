/** Errors as the contract shapes them: `{"error": {"code", "message", "field"?}}` with a status. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { SaidError } from '../shared/said-error';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, field?: string) => new HttpError(400, 'bad_request', message, field);
export const notFound = (what = 'not found') => new HttpError(404, 'not_found', what);
export const conflict = (code: string, message: string, retryAfterSeconds?: number) =>
  new HttpError(409, code, message, undefined, retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {});

/** zod issues → the first one as `field: message`; an unknown key is named itself (`source.extra`). */
export function fromZod(issues: { path: PropertyKey[]; message: string; code?: string; keys?: string[] }[]): HttpError {
  const first = issues[0];
  const path = first ? [...first.path, ...(first.code === 'unrecognized_keys' && first.keys?.length ? [first.keys[0]!] : [])] : [];
  const field = path.length > 0 ? path.map(String).join('.') : 'body';
  return badRequest(`${field}: ${first?.message ?? 'invalid'}`, field);
}

/** `?lang=` where the route has it, else the first language of Accept-Language we speak; English by default, as the API's other messages. */
export function requestLang(req: Request): 'zh' | 'en' {
  const q = req.query?.lang;
  if (q === 'zh' || q === 'en') return q;
  const accept = String(req.headers['accept-language'] ?? '').toLowerCase();
  return accept.startsWith('zh') ? 'zh' : 'en';
}

export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof SaidError) {
      // A refusal of the core (a total past exact money, a bad option): in the caller's language.
      res.status(422).json({ error: { code: 'unprocessable', message: err.text(requestLang(req)) } });
      return;
    }
    if (err instanceof HttpError) {
      res.set(err.headers).status(err.status).json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } });
      return;
    }
    const e = err as { type?: string; status?: number; limit?: number; message?: string };
    if (e?.type === 'entity.too.large') {
      res.status(413).json({
        error: { code: 'payload_too_large', message: `request body larger than ${Math.round((e.limit ?? 0) / 1024 / 1024)} MB: send rows in chunks of at most 10,000 rows and 8 MB` },
      });
      return;
    }
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'bad_json', message: 'the request body is not valid JSON', field: 'body' } });
      return;
    }
    if (e?.status && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: { code: 'bad_request', message: e.message ?? 'bad request' } });
      return;
    }
    log.error({ err, url: req.originalUrl }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: 'internal error: nothing was stored; try again' } });
  };
}
