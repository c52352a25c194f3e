/**
 * Errors as the contract shapes them: `{"error": {"code", "message", "field"?}}` with a status. A
 * refusal carries its words in both languages and is said in the caller's (requestLang).
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { Said, SaidError } from '../shared/said-error';
import { IssueLike, issueZh } from '../shared/schema-words';

/** A refusal's words, as a finance office reads them (zh) and as the contract spells them (en). */
export type Words = Said;

/** A refusal of a request: its status and code, and its words (`message` is the English, for logs). */
export class HttpError extends SaidError {
  /**
   * `message` must be said in both languages: the type takes `{zh, en}` only, so a refusal in one
   * language does not compile. (A plain string, from untyped code, is kept as is for both.)
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: Words,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof message === 'string' ? { zh: message, en: message } : message);
  }
}

export const badRequest = (message: Words, field?: string) => new HttpError(400, 'bad_request', message, field);
export const notFound = (what: Words = { zh: '找不到所要的内容', en: 'not found' }) => new HttpError(404, 'not_found', what);
export const conflict = (code: string, message: Words, retryAfterSeconds?: number) =>
  new HttpError(409, code, message, undefined, retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {});

/**
 * The Chinese name of a request field a clerk may meet; any other is named by its JSON path. (Maps,
 * not objects: a field may be called `__proto__`.)
 */
const FIELD_ZH = new Map(Object.entries({
  period: '期间',
  unit: '单位',
  unit_name: '单位名称',
  reason: '原因',
  override: '结账原因',
  kind: '台账',
  role: '角色',
  label: '备注',
  expires_in: '有效期',
  offset: '起始位置',
  limit: '条数',
  lang: '语言',
  id: '编号',
  body: '请求内容',
}));

export function fieldZh(field: string): string {
  return FIELD_ZH.get(field) ?? field;
}

/** zod issues → the first one as `field: message`; an unknown key is named itself (`source.extra`). */
export function fromZod(issues: IssueLike[]): HttpError {
  const first = issues[0];
  const path = first ? [...first.path, ...(first.code === 'unrecognized_keys' && first.keys?.length ? [first.keys[0]!] : [])] : [];
  const field = path.length > 0 ? path.map(String).join('.') : 'body';
  return badRequest({ zh: `${fieldZh(field)}：${first ? issueZh(first) : '内容有误'}`, en: `${field}: ${first?.message ?? 'invalid'}` }, field);
}

/** `?lang=` where the route has it, else the first language of Accept-Language we speak; English by default, as the API's other messages. */
export function requestLang(req: Request): 'zh' | 'en' {
  const q = req.query?.lang;
  if (q === 'zh' || q === 'en') return q;
  const accept = String(req.headers['accept-language'] ?? '').toLowerCase();
  return accept.startsWith('zh') ? 'zh' : 'en';
}

/** A request's bytes refused before their shape is looked at. */
export const NOT_UTF8: Words = { zh: '发送的数据含有无法识别的字符（编码有误），本次未保存任何内容：请重新发送', en: 'the request body is not valid UTF-8' };
export const NOT_JSON: Words = { zh: '发送的数据格式有误，无法读取，本次未保存任何内容：请重新发送；如仍不行，请联系管理员', en: 'the request body is not valid JSON' };

/** What body-parser refuses, by its `type`, in Chinese (its English is its own message). */
const BODY_REFUSAL_ZH = new Map(Object.entries({
  'charset.unsupported': '不支持该字符集：请以 UTF-8 编码发送',
  'encoding.unsupported': '不支持该压缩方式：请不压缩或以 gzip 发送',
  'request.aborted': '请求在传输中中断，本次未保存任何内容：请重新发送',
  'request.size.invalid': '收到的数据长度与声明的不符，本次未保存任何内容：请重新发送',
}));

export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const lang = requestLang(req);
    // An HttpError is a SaidError with its own status: asked first.
    if (err instanceof HttpError) {
      res.set(err.headers).status(err.status).json({ error: { code: err.code, message: err.text(lang), ...(err.field ? { field: err.field } : {}) } });
      return;
    }
    if (err instanceof SaidError) {
      // A refusal of the core (a total past exact money, a bad option): in the caller's language.
      res.status(422).json({ error: { code: 'unprocessable', message: err.text(lang) } });
      return;
    }
    const e = err as { type?: string; status?: number; limit?: number; message?: string };
    if (e?.type === 'entity.too.large') {
      const mb = Math.round((e.limit ?? 0) / 1024 / 1024);
      const said: Words = {
        zh: `发送的数据超过 ${mb} MB，本次未保存任何内容：请分块发送，每块不超过 10,000 行、8 MB`,
        en: `request body larger than ${mb} MB: send rows in chunks of at most 10,000 rows and 8 MB`,
      };
      res.status(413).json({ error: { code: 'payload_too_large', message: said[lang] } });
      return;
    }
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'bad_json', message: NOT_JSON[lang], field: 'body' } });
      return;
    }
    if (e?.status && e.status >= 400 && e.status < 500) {
      const zh = BODY_REFUSAL_ZH.get(e.type ?? '') ?? `请求未被接受（HTTP ${e.status}），本次未保存任何内容：请检查后重新发送`;
      res.status(e.status).json({ error: { code: 'bad_request', message: lang === 'zh' ? zh : (e.message ?? 'bad request') } });
      return;
    }
    log.error({ err, url: req.originalUrl }, 'request failed');
    const said: Words = { zh: '服务内部出错，本次未保存任何内容：请稍后重试；如反复出现，请联系管理员', en: 'internal error: nothing was stored; try again' };
    res.status(500).json({ error: { code: 'internal', message: said[lang] } });
  };
}
