/** The Express application: thin routes over the services, one route table that also makes the OpenAPI document. */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import express, { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import pino, { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { z } from 'zod';
import { API_PREFIX, MAX_CHUNK_BYTES, PeriodChangeSchema, PushOpenSchema, Role, jsonBodyProblem } from '../shared/api';
import { Db } from './db';
import { UNIT_CODE_EXPECTED, authenticate, requireRole } from './auth';
import { createToken, listTokens, revokeToken } from './tokens';
import { addressLimiter, DEFAULT_RATE_LIMITS, RateLimits, SignInThrottle, tokenLimiter } from './rate-limits';
import { HttpError, NOT_UTF8, badRequest, errorHandler, fieldZh, fromZod, requestLang } from './http-errors';
import { commitPush, DEFAULT_PUSH_OPTIONS, openPush, PushServiceOptions, putChunk } from './push-service';
import { getSnapshot, listSnapshots } from './snapshot-service';
import { periodAnalysis, periodFindings } from './analysis-service';
import { Reconciler } from './reconcile-service';
import { closePeriod, listAudit, periodBoard, periodDiff, periodState, reopenPeriod } from './period-service';
import { openApiDocument, RouteDoc } from './openapi';
import { ChunkCache } from './chunk-cache';

export interface AppOptions {
  /** Origins allowed by CORS: the add-in's. The service's own origin needs no CORS. */
  corsOrigins: string[];
  /** Requests per address and per token, failed sign-ins per address (rate-limits.ts; README, "Limits"). */
  rateLimits: RateLimits;
  /** Largest JSON body outside chunk uploads. */
  jsonLimit: string;
  /** Folder of the built add-in, served at /addin when present. */
  addinDir?: string;
  /** The built web workbench, served at / (default: `workbench` beside addinDir). */
  workbenchDir?: string;
  push: PushServiceOptions;
  logger?: Logger;
}

export const DEFAULT_APP_OPTIONS: AppOptions = {
  corsOrigins: ['https://localhost:3000'],
  rateLimits: DEFAULT_RATE_LIMITS,
  jsonLimit: '1mb',
  push: DEFAULT_PUSH_OPTIONS,
};

interface Route extends RouteDoc {
  handler: (req: Request, res: Response) => Promise<unknown>;
}

const TokenCreateSchema = z.strictObject({
  unit: z.string().min(1).max(64),
  unit_name: z.string().max(255).optional(),
  role: z.enum(['clerk', 'reviewer', 'admin']),
  label: z.string().max(255).optional(),
  /** `90d` (the default), `12w`, `6m`, `1y`; `never` for admin tokens only. */
  expires_in: z.string().max(16).optional(),
});

/** The reconciler of an app made by createApp: its runs must settle before the database closes. */
export function reconcilerOf(app: express.Express): Reconciler {
  return app.locals.reconciler as Reconciler;
}

/** What a caller may set: any option, and any of the rate limits over their defaults. */
export type AppSettings = Partial<Omit<AppOptions, 'rateLimits'>> & { rateLimits?: Partial<RateLimits> };

export function createApp(db: Db, options: AppSettings = {}): express.Express {
  const opts: AppOptions = { ...DEFAULT_APP_OPTIONS, ...options, rateLimits: DEFAULT_RATE_LIMITS };
  opts.rateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  opts.push = { ...opts.push, cache: opts.push.cache ?? new ChunkCache() };
  const log = opts.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const reconciler = new Reconciler(db, opts.push.ref, log);
  const app = express();
  app.locals.reconciler = reconciler;
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger: log,
      // Tokens never reach the log.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // The task pane loads office.js from this service (or, by option, Microsoft's CDN).
          'script-src': ["'self'", 'https://appsforoffice.microsoft.com'],
          'frame-ancestors': ['*'],
        },
      },
      // Excel hosts the pane in a frame of another origin.
      frameguard: false,
    }),
  );
  app.use(cors({ origin: opts.corsOrigins, allowedHeaders: ['Authorization', 'Content-Type'], maxAge: 600 }));

  app.get('/healthz', async (_req, res) => {
    try {
      await db.sequelize.query('SELECT 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  const byAddress = addressLimiter(opts.rateLimits);
  const byToken = tokenLimiter(opts.rateLimits);
  const signIns = new SignInThrottle(opts.rateLimits);

  const json: RequestHandler[] = [
    express.json({
      limit: opts.jsonLimit,
      // Bytes that are not UTF-8 would be decoded as U+FFFD: the text would be stored altered.
      verify: (_req, _res, buf) => {
        if (!isUtf8(buf)) throw new HttpError(400, 'bad_request', NOT_UTF8);
      },
    }),
    (req, _res, next) => {
      const problem = jsonBodyProblem(req.body);
      // The problem's own words come from the shared check (shared/api.ts).
      if (problem) throw badRequest({ zh: `${fieldZh(problem.field)}：${problem.zh}`, en: `${problem.field}: ${problem.message}` }, problem.field);
      next();
    },
  ];
  const chunkBody = express.raw({ type: () => true, limit: MAX_CHUNK_BYTES });
  const auth = authenticate(db, signIns);
  const routes: Route[] = [
    {
      method: 'post', path: '/pushes', role: 'clerk', summary: 'Open a push of one ledger for a period', body: PushOpenSchema,
      responses: { 200: 'unchanged: the content equals the current snapshot', 201: 'push opened', 400: 'bad payload', 409: 'period closed' },
      handler: async (req, res) => {
        const r = await openPush(db, req.auth!, req.body, opts.push);
        res.status(r.status).json(r.body);
      },
    },
    {
      method: 'put', path: '/pushes/:id/chunks/:n', role: 'clerk', summary: 'Upload chunk n (≤ 10,000 rows, ≤ 8 MB); idempotent per n',
      bodyDoc: CHUNK_DOC, raw: true,
      responses: { 200: 'chunk stored', 400: 'bad payload, naming the field', 404: 'no such push', 409: 'push committed or expired', 413: 'chunk too large' },
      handler: async (req, res) => {
        if (!Buffer.isBuffer(req.body)) throw new HttpError(400, 'bad_request', { zh: '请求内容应为含 rows 和 source_rows 的 JSON 对象', en: 'a JSON body {rows, source_rows}' }, 'body');
        res.json(await putChunk(db, req.auth!, String(req.params.id), String(req.params.n), req.body, opts.push));
      },
    },
    {
      method: 'post', path: '/pushes/:id/commit', role: 'clerk', summary: 'Validate every row, store the snapshot atomically',
      responses: { 200: 'unchanged', 201: 'snapshot stored', 404: 'no such push', 409: 'missing chunks, hash mismatch, closed period' },
      handler: async (req, res) => {
        const r = await commitPush(db, req.auth!, String(req.params.id), opts.push);
        res.status(r.status).json(r.body);
        // Reconciled after the answer, so the clerk's next push is not kept waiting (reconcile-service.ts).
        if (r.status === 201) reconciler.schedule(req.auth!.unitId, r.period);
      },
    },
    {
      method: 'get', path: '/snapshots', role: 'clerk', summary: "The unit's snapshots (reviewer: any unit with unit=)",
      query: { kind: 'ledger kind', period: 'YYYY-MM', unit: 'unit code (reviewer)' },
      responses: { 200: 'snapshots, newest first', 400: 'bad query', 404: 'unit not visible' },
      handler: async (req, res) => res.json(await listSnapshots(db, req.auth!, req.query)),
    },
    {
      method: 'get', path: '/snapshots/:id', role: 'clerk', summary: "One snapshot's metadata and its rows, paged",
      query: { offset: 'first row (default 0)', limit: 'rows (default 1000, at most 10000)' },
      responses: { 200: 'snapshot and rows', 404: 'no such snapshot (or another unit’s)' },
      handler: async (req, res) => res.json(await getSnapshot(db, req.auth!, String(req.params.id), req.query)),
    },
    {
      method: 'get', path: '/findings', role: 'clerk', summary: 'Findings of a period: validation of its current snapshots and their reconciliation',
      query: { period: 'YYYY-MM', unit: 'unit code (reviewer)', lang: 'zh or en' },
      responses: { 200: 'findings', 400: 'bad query', 404: 'unit not visible' },
      handler: async (req, res) => res.json(await periodFindings(db, req.auth!, req.query, opts.push.ref, reconciler)),
    },
    {
      method: 'get', path: '/analysis', role: 'clerk', summary: 'Budget-execution analysis of a period: {as_of, tables, charts}',
      query: { period: 'YYYY-MM', unit: 'unit code (reviewer)', lang: 'zh or en' },
      responses: { 200: 'analysis', 400: 'bad query', 404: 'unit not visible' },
      ok: {
        type: 'object',
        required: ['unit', 'period', 'as_of', 'tables', 'charts'],
        properties: { unit: { type: 'string' }, unit_name: { type: ['string', 'null'] }, period: { type: 'string' }, as_of: { type: 'string' }, tables: { $ref: '#/components/schemas/AnalysisTables' }, charts: { type: 'array', items: { type: 'object' } } },
      },
      handler: async (req, res) => res.json(await periodAnalysis(db, req.auth!, req.query, opts.push.ref, reconciler)),
    },
    {
      method: 'get', path: '/periods/:period', role: 'clerk', summary: "The month's state: open or closed, by whom, when, why; and its findings now",
      query: { unit: 'unit code (reviewer)' },
      responses: { 200: '{unit, period, status, changed_by, changed_at, reason, findings_summary}', 400: 'bad period', 404: 'unit not visible' },
      handler: async (req, res) => res.json(await periodState(db, req.auth!, req.params.period, req.query, opts.push.ref, reconciler)),
    },
    {
      method: 'get', path: '/periods/:period/board', role: 'reviewer', summary: 'Every unit × this month: pushed when and by whom, findings by severity, open or closed',
      responses: { 200: '{period, units: [{unit, unit_name, status, changed_by, changed_at, reason, findings_summary, last_push_at, last_push_by, snapshots}]}', 400: 'bad period', 403: 'not a reviewer' },
      handler: async (req, res) => res.json(await periodBoard(db, req.params.period, opts.push.ref, reconciler)),
    },
    {
      method: 'post', path: '/periods/:period/close', role: 'reviewer', summary: 'Close the month for a unit; refused while it has error-level findings unless overridden with a reason',
      body: PeriodChangeSchema, query: { unit: 'unit code (or in the body)' },
      responses: { 200: 'the closed period', 400: 'bad payload', 403: 'not a reviewer', 404: 'no such unit', 409: 'error-level findings without override, or already closed' },
      handler: async (req, res) => res.json(await closePeriod(db, req.auth!, req.params.period, req.body, req.query, opts.push.ref, reconciler)),
    },
    {
      method: 'post', path: '/periods/:period/reopen', role: 'reviewer', summary: 'Reopen a closed month, with a reason',
      body: PeriodChangeSchema, query: { unit: 'unit code (or in the body)' },
      responses: { 200: 'the reopened period', 400: 'no reason', 403: 'not a reviewer', 404: 'no such unit', 409: 'not closed' },
      handler: async (req, res) => res.json(await reopenPeriod(db, req.auth!, req.params.period, req.body, req.query, opts.push.ref, reconciler)),
    },
    {
      method: 'get', path: '/periods/:period/diff', role: 'clerk', summary: 'Rows added, removed and changed (by id field) against the latest snapshot of the month before',
      query: { kind: 'ledger kind (default: all)', unit: 'unit code (reviewer)' },
      responses: { 200: '{unit, period, previous_period, ledgers}', 400: 'bad query', 404: 'unit not visible' },
      handler: async (req, res) => res.json(await periodDiff(db, req.auth!, req.params.period, req.query)),
    },
    {
      method: 'get', path: '/audit', role: 'reviewer', summary: 'The audit trail, oldest first: pushes, commits, reconciliations, closes, reopens, tokens',
      query: { period: 'YYYY-MM', unit: 'unit code', offset: 'first event (default 0)', limit: 'events (default 1000, at most 10000)' },
      responses: { 200: '{events, offset, limit, total}', 400: 'bad query', 403: 'not a reviewer', 404: 'no such unit' },
      handler: async (req, res) => res.json(await listAudit(db, req.query)),
    },
    {
      method: 'get', path: '/units', role: 'reviewer', summary: 'Every unit (code and name), for the reviewer’s unit picker',
      responses: { 200: '{units: [{code, name}]}', 403: 'not a reviewer' },
      handler: async (_req, res) => res.json({ units: (await db.models.Unit.findAll({ order: [['code', 'ASC']] })).map((u) => ({ code: u.code, name: u.name })) }),
    },
    {
      method: 'get', path: '/me', role: 'clerk', summary: 'The token’s unit and role',
      responses: { 200: '{unit, role}' },
      handler: async (req, res) => res.json({ unit: req.auth!.unitCode, role: req.auth!.role }),
    },
    {
      method: 'post', path: '/tokens', role: 'admin', summary: 'Create a unit (if new) and a token; the token is shown once', body: TokenCreateSchema,
      responses: { 201: '{token, id, unit, role, expires_at}', 400: 'bad payload', 403: 'not an admin' },
      handler: async (req, res) => {
        const p = TokenCreateSchema.safeParse(req.body);
        if (!p.success) throw fromZod(p.error.issues);
        res.status(201).json(await createToken(db, { unit: p.data.unit, unitName: p.data.unit_name, role: p.data.role, label: p.data.label, expiresIn: p.data.expires_in }, req.auth));
      },
    },
    {
      method: 'get', path: '/tokens', role: 'admin', summary: 'Every token (or one unit’s): id, unit, role, label, created, last used, expires, revoked — never the token itself',
      query: { unit: 'unit code' },
      responses: { 200: '{tokens: [{id, unit, role, label, created_at, last_used_at, expires_at, revoked_at, state}]}', 403: 'not an admin', 404: 'no such unit' },
      handler: async (req, res) => {
        const unit = req.query.unit;
        if (unit !== undefined && typeof unit !== 'string') throw badRequest(UNIT_CODE_EXPECTED, 'unit');
        res.json({ tokens: await listTokens(db, unit) });
      },
    },
    {
      method: 'post', path: '/tokens/:id/revoke', role: 'admin', summary: 'Revoke a token at once (it is refused with 401 from then on)',
      responses: { 200: 'the token as listed, revoked', 400: 'bad id', 403: 'not an admin', 404: 'no such token' },
      handler: async (req, res) => {
        const id = Number(req.params.id);
        if (!Number.isInteger(id) || id < 1) throw badRequest({ zh: '编号：应为令牌编号（见 ledger-sync token list）', en: 'id: a token id (ledger-sync token list)' }, 'id');
        res.json(await revokeToken(db, id, req.auth));
      },
    },
  ];

  const doc = openApiDocument(routes);
  app.get(`${API_PREFIX}/openapi.json`, (_req, res) => void res.json(doc));

  for (const r of routes) {
    const chain: RequestHandler[] = [byAddress, signIns.guard(), auth as RequestHandler, byToken, requireRole(r.role as Role), ...(r.raw ? [chunkBody] : json)];
    app[r.method](API_PREFIX + r.path, ...chain, async (req: Request, res: Response) => {
      await r.handler(req, res);
    });
  }

  if (opts.addinDir && existsSync(opts.addinDir)) {
    // office.js and the files it loads beside itself, from the package: no Internet needed.
    app.use('/addin/office', express.static(path.join(path.dirname(require.resolve('@microsoft/office-js/package.json')), 'dist')));
    app.use('/addin', express.static(path.resolve(opts.addinDir)));
  }
  // The web workbench at / (dist/workbench, built beside the pane): every desk without the pane.
  const workbenchDir = opts.workbenchDir ?? (opts.addinDir ? path.join(path.dirname(path.resolve(opts.addinDir)), 'workbench') : undefined);
  if (workbenchDir && existsSync(workbenchDir)) app.use('/', express.static(workbenchDir, { index: 'index.html' }));
  app.use((req, res) => {
    const message = requestLang(req) === 'zh' ? `没有这个地址：${req.method} ${req.path}，请核对服务器地址` : `no route ${req.method} ${req.path}`;
    res.status(404).json({ error: { code: 'not_found', message } });
  });
  app.use(errorHandler(log));
  return app;
}

const CHUNK_DOC = {
  type: 'object',
  required: ['rows', 'source_rows'],
  additionalProperties: false,
  properties: {
    rows: {
      type: 'array',
      maxItems: 10000,
      description: 'Whole rows from column A; each cell null, text, a number, true/false, {kind:"date",serial} or {kind:"error",text}',
      items: { type: 'array', items: {} },
    },
    source_rows: {
      type: 'array',
      description: 'For each row: [index into source.sheets, Excel row number]',
      items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'integer' } },
    },
  },
};
