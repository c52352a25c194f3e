/** The OpenAPI document, made from the same route table that registers the routes. */
import { z } from 'zod';
import { API_PREFIX } from '../shared/api';

export interface RouteDoc {
  method: 'get' | 'post' | 'put';
  path: string;
  role: 'clerk' | 'reviewer' | 'admin';
  summary: string;
  body?: z.ZodType;
  bodyDoc?: object;
  raw?: boolean;
  query?: Record<string, string>;
  responses: Record<number, string>;
  /** The 200 answer's JSON schema, where the document gives one. */
  ok?: object;
}

/** The analysis tables (shared/api.ts AnalysisTables), named once for the service and the CLI's JSON. */
export const ANALYSIS_TABLES_SCHEMA = {
  type: 'object',
  description: 'The nine analysis tables by key (analysis.md). The service calls this member `tables`; `ledger-sync analyze --json` calls the same object `analysis` (contracts.md).',
  additionalProperties: {
    type: 'object',
    required: ['title', 'sheet', 'columns', 'rows'],
    properties: {
      title: { type: 'string' },
      sheet: { type: 'string' },
      columns: { type: 'array', items: { type: 'string' } },
      rows: { type: 'array', items: { type: 'array', items: { type: ['string', 'number', 'boolean', 'null'] } } },
      note: { type: 'string', description: 'why the table is empty or which columns were left out' },
    },
  },
};

const ERROR_SCHEMA = {
  type: 'object',
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } } },
};

export function openApiDocument(routes: RouteDoc[]): object {
  const paths: Record<string, Record<string, object>> = {
    '/healthz': { get: { summary: 'Health: 200 once the database answers', security: [], responses: { 200: { description: '{"status":"ok"}' }, 503: { description: 'database unavailable' } } } },
    [`${API_PREFIX}/openapi.json`]: { get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } } },
  };
  for (const r of routes) {
    const p = API_PREFIX + r.path.replace(/:(\w+)/g, '{$1}');
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    for (const [name, description] of Object.entries(r.query ?? {})) params.push({ name, in: 'query', required: false, schema: { type: 'string' }, description } as never);
    const body = r.body ? z.toJSONSchema(r.body, { unrepresentable: 'any' }) : r.bodyDoc;
    (paths[p] ??= {})[r.method] = {
      summary: r.summary,
      'x-role': r.role,
      parameters: params,
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses: {
        ...Object.fromEntries(Object.entries(r.responses).map(([code, description]) => {
          const schema = Number(code) >= 400 ? ERROR_SCHEMA : code === '200' ? r.ok : undefined;
          return [code, { description, ...(schema ? { content: { 'application/json': { schema } } } : {}) }];
        })),
        401: { description: 'no or bad token', content: { 'application/json': { schema: ERROR_SCHEMA } } },
        429: { description: 'rate limited; Retry-After says when to retry' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'ledger-sync', version: '1', description: 'Ledger pushes, snapshots and findings for public-sector finance offices' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { AnalysisTables: ANALYSIS_TABLES_SCHEMA } },
    security: [{ bearer: [] }],
    paths,
  };
}
