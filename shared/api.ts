/**
 * The HTTP contract (contracts.md): request and response types that the add-in, the CLI and the
 * service all compile against, and the zod schemas the service checks payloads with.
 */
import { z } from 'zod';
import { MAX_EXCEL_COLUMNS, MAX_EXCEL_ROWS, MAX_CHUNK_ROWS, MAX_PUSH_ROWS } from './api-limits';

export * from './api-limits';
import { LEDGER_KINDS, LEDGERS, LedgerKind } from './ledgers';
import { Cell } from './workbook';
import { unstorableText } from './text';
import { Finding, Summary } from './findings';
import type { LedgerDiff } from './diff';

/** Excel's own limits bound what a sheet can hold. */


export const PeriodSchema = z.string().regex(/^(20\d{2}|2100)-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const ColumnLetter = z.string().regex(/^[A-Z]{1,3}$/, 'a column letter such as A or AB');

export const PushSheetSchema = z.strictObject({
  sheet: z.string().min(1).max(255).refine((v) => !v.includes('\u0000'), 'no NUL characters'),
  header_row: z.number().int().min(1).max(MAX_EXCEL_ROWS),
  title_year: z.number().int().min(2000).max(2100).nullable(),
  headers: z.array(z.string().max(1000)).max(MAX_EXCEL_COLUMNS),
  // The sheet's form (layouts.md), sent only where it differs from a plain one-row header in 元.
  header_rows: z.number().int().min(2).max(3).optional(),
  money_unit: z.enum(['元', '万元']).optional(),
  units: z.record(z.string().regex(/^[a-z][a-z_]{0,39}$/), z.enum(['元', '万元'])).optional(),
  footer_row: z.number().int().min(2).max(MAX_EXCEL_ROWS).optional(),
  event: z.enum(['intake', 'repair', 'reallocate', 'return', 'inventory', 'disposal']).optional(),
  /** Dates split over 年/月/日: field → [month column, day column] (the field's own column is the year's). */
  split_dates: z.record(z.string().regex(/^[a-z][a-z_]{0,39}$/), z.tuple([ColumnLetter, ColumnLetter])).optional(),
});
export type PushSheet = z.infer<typeof PushSheetSchema>;

export const PushOpenSchema = z
  .strictObject({
    kind: z.enum(LEDGER_KINDS),
    period: PeriodSchema,
    /** The plan/budget year when neither a column nor a title gives one (CLI `--year`). */
    year: z.number().int().min(2000).max(2100).optional(),
    source: z.strictObject({
      workbook: z.string().min(1).max(255).refine((v) => !v.includes('\u0000'), 'no NUL characters'),
      sheets: z.array(PushSheetSchema).min(1).max(255),
    }),
    /** Per source sheet, field → column letter: the mapping the rows are read with. */
    columns: z.array(z.record(z.string(), ColumnLetter)).min(1).max(255),
    row_count: z.number().int().min(0).max(MAX_PUSH_ROWS),
    content_hash: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex digest'),
  })
  .superRefine((v, ctx) => {
    if (v.columns.length !== v.source.sheets.length) {
      ctx.addIssue({ code: 'custom', path: ['columns'], message: `one mapping per source sheet: ${v.source.sheets.length} expected` });
      return;
    }
    const known = new Set(LEDGERS[v.kind].fields.map((f) => f.name));
    v.columns.forEach((m, i) => {
      for (const field of Object.keys(m)) {
        if (!known.has(field)) ctx.addIssue({ code: 'custom', path: ['columns', i, field], message: `not a field of a ${v.kind} ledger` });
      }
    });
  });
export type PushOpenRequest = z.infer<typeof PushOpenSchema>;

/** A chunk of rows: full rows from column A, and for each its [source sheet index, Excel row]. */
export interface PushChunkRequest {
  rows: Cell[][];
  source_rows: [number, number][];
}

export type PushOpenResponse = { push_id: string } | { snapshot_id: number; unchanged: true };

export interface CommitResponse {
  snapshot_id: number;
  unchanged: boolean;
  row_count: number;
  findings_summary: Summary;
}

export interface SnapshotMeta {
  id: number;
  unit: string;
  kind: LedgerKind;
  period: string;
  content_hash: string;
  row_count: number;
  source: { workbook: string; sheets: string[] };
  created_by: string;
  created_at: string;
  current: boolean;
  findings_summary: Summary;
}

export interface SnapshotRow {
  sheet: string;
  row: number;
  valid: boolean;
  /** Parsed values by field: money as decimal strings with two decimals, dates YYYY-MM-DD. */
  values: Record<string, string | number | null>;
  /** Raw text of the cells that could not be read. */
  raw: Record<string, string>;
}

export interface SnapshotResponse {
  snapshot: SnapshotMeta;
  rows: SnapshotRow[];
  offset: number;
  limit: number;
  total: number;
}

export interface FindingsResponse {
  period: string;
  findings: (Finding & { unit: string; snapshot_id: number })[];
  summary: Summary;
}

/** One analysis table as JSON (analysis.md): its key's columns, rows, and a note when something could not be filled. */
export interface AnalysisTableJson {
  title: string;
  sheet: string;
  columns: string[];
  rows: (string | number | boolean | null)[][];
  note?: string;
}

/**
 * The nine analysis tables by key: one type for every shell. contracts.md names the member
 * `analysis` in `analyze --json` and `tables` in the service's answer (and `report --json`).
 */
export type AnalysisTables = Record<string, AnalysisTableJson>;

/** GET /api/v1/analysis: the analysis of one unit's period, as contracts.md gives it, plus who it is for. */
export interface AnalysisResponse {
  unit: string;
  unit_name: string | null;
  period: string;
  as_of: string;
  tables: AnalysisTables;
  charts: { sheet: string; type: string; title: string; category: string; series: string[]; rows: number[] }[];
}

/** GET /api/v1/periods/{period}: the month's state for a unit. */
export interface PeriodStateResponse {
  unit: string;
  period: string;
  status: 'open' | 'closed';
  changed_by: string | null;
  changed_at: string | null;
  reason: string | null;
  /** Findings of the month now (validation and reconciliation): closing needs no error, or an override. */
  findings_summary: Summary;
}

/** GET /api/v1/periods/{period}/board: every unit's month at a glance (reviewers). */
export interface BoardResponse {
  period: string;
  units: (PeriodStateResponse & {
    unit_name: string | null;
    /** The newest snapshot pushed for the month: when and by whom (null: nothing pushed yet). */
    last_push_at: string | null;
    last_push_by: string | null;
    snapshots: number;
  })[];
}

/** POST /api/v1/periods/{period}/close and /reopen. */
export const PeriodChangeSchema = z
  .object({
    unit: z.string().min(1).max(64).optional(),
    /** close: close despite error-level findings, saying why (kept in the audit trail). */
    override: z.string().trim().min(1, 'a reason').max(2000).optional(),
    /** reopen: why the month is opened again (required). */
    reason: z.string().trim().min(1, 'a reason').max(2000).optional(),
  })
  .strict();
export type PeriodChangeRequest = z.infer<typeof PeriodChangeSchema>;

/** GET /api/v1/periods/{period}/diff. */
export interface DiffResponse {
  unit: string;
  period: string;
  previous_period: string;
  ledgers: (LedgerDiff & { snapshot_id: number | null; previous_snapshot_id: number | null })[];
}

/** GET /api/v1/audit. */
export interface AuditEventView {
  id: number;
  at: string;
  unit: string | null;
  actor: string;
  action: string;
  period: string | null;
  details: Record<string, unknown>;
}
export interface AuditResponse {
  events: AuditEventView[];
  offset: number;
  limit: number;
  total: number;
}

export interface ApiError {
  error: { code: string; message: string; field?: string };
}

function isCell(c: unknown): boolean {
  switch (typeof c) {
    case 'string':
      // Unstorable text (NUL, lone surrogates) is refused by chunkProblem with its own reason.
      return c.length <= 32_767;
    case 'number':
      return Number.isFinite(c);
    case 'boolean':
      return true;
    case 'object': {
      if (c === null) return true;
      const o = c as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length !== 2) return false;
      if (o.kind === 'date') return typeof o.serial === 'number' && Number.isFinite(o.serial);
      if (o.kind === 'error') return typeof o.text === 'string' && o.text.length <= 16;
      return false;
    }
    default:
      return false;
  }
}

const UNSTORABLE = {
  nul: 'text holding a NUL character cannot be stored: remove it',
  lone_surrogate: 'text holding half of a character (a lone UTF-16 surrogate) cannot be stored exactly: retype it',
} as const;
const UNSTORABLE_ZH = {
  nul: '文字中含有无法保存的空字符（NUL）：请删去后重新推送',
  lone_surrogate: '文字中含有残缺的字符（半个 UTF-16 代理对），无法原样保存：请重新输入该单元格',
} as const;

/** A body's or chunk's problem: where, and why in both languages (`message` the API's English). */
export interface BodyProblem {
  field: string;
  message: string;
  zh: string;
}
const problem = (field: string, en: string, zh: string): BodyProblem => ({ field, message: en, zh });
const unstorable = (field: string, why: 'nul' | 'lone_surrogate'): BodyProblem => problem(field, UNSTORABLE[why], UNSTORABLE_ZH[why]);

/** Keys no JSON body may use: they would reach an object's prototype in code that copies it. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first key or text of a JSON body the service will not take, with its path: a prototype key
 * (which a schema would silently drop) or text it cannot store exactly. Unknown keys are the
 * schemas' to refuse (every object schema is strict).
 */
export function jsonBodyProblem(body: unknown): BodyProblem | null {
  const stack: [unknown, string][] = [[body, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      const why = unstorableText(v);
      if (why) return unstorable(at || 'body', why);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        const path = at ? `${at}.${k}` : k;
        if (PROTOTYPE_KEYS.has(k)) return problem(path, 'a key that is not allowed', '不允许使用的字段名');
        const why = unstorableText(k);
        if (why) return unstorable(path, why);
        stack.push([(v as Record<string, unknown>)[k], path]);
      }
    }
  }
  return null;
}

/**
 * Checks a chunk's shape. A hand-written loop rather than a zod schema: a chunk holds up to
 * 10,000 × columns cells, and this runs in a few milliseconds where a union schema takes far longer.
 * Returns the path and reason of the first problem, or null.
 */
export function chunkProblem(body: unknown, sheetCount: number): BodyProblem | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return problem('body', 'a JSON object {rows, source_rows}', '应为含 rows 和 source_rows 的 JSON 对象');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (k !== 'rows' && k !== 'source_rows') return problem(k, 'unknown field', '不认识的字段，请删去');
  const { rows, source_rows: src } = b;
  if (!Array.isArray(rows)) return problem('rows', 'an array of rows', '应为行的列表');
  if (!Array.isArray(src)) return problem('source_rows', 'an array of [sheet index, row]', '应为 [工作表序号, 行号] 的列表');
  if (rows.length > MAX_CHUNK_ROWS) return problem('rows', `at most ${MAX_CHUNK_ROWS} rows per chunk, got ${rows.length}`, `每块最多 ${MAX_CHUNK_ROWS} 行，收到 ${rows.length} 行`);
  if (src.length !== rows.length) return problem('source_rows', `one entry per row: ${rows.length} expected, got ${src.length}`, `应每行一项：应有 ${rows.length} 项，收到 ${src.length} 项`);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row)) return problem(`rows[${i}]`, 'an array of cells', '应为单元格的列表');
    if (row.length > MAX_EXCEL_COLUMNS) return problem(`rows[${i}]`, `at most ${MAX_EXCEL_COLUMNS} cells`, `每行最多 ${MAX_EXCEL_COLUMNS} 个单元格`);
    for (let j = 0; j < row.length; j++) {
      const c = row[j];
      if (!isCell(c)) {
        return problem(`rows[${i}][${j}]`, 'a cell: null, text, a number, true/false, {kind:"date",serial} or {kind:"error",text}', '单元格的值无法识别（应为空、文字、数字、是/否、日期或错误值）');
      }
      const why = typeof c === 'string' ? unstorableText(c) : null;
      if (why) return unstorable(`rows[${i}][${j}]`, why);
    }
    const s = src[i];
    if (
      !Array.isArray(s) || s.length !== 2 ||
      !Number.isInteger(s[0]) || s[0] < 0 || s[0] >= sheetCount ||
      !Number.isInteger(s[1]) || s[1] < 1 || s[1] > MAX_EXCEL_ROWS
    ) {
      return problem(`source_rows[${i}]`, `[sheet index 0–${sheetCount - 1}, Excel row 1–${MAX_EXCEL_ROWS}]`, `应为 [工作表序号 0–${sheetCount - 1}, 行号 1–${MAX_EXCEL_ROWS}]`);
    }
  }
  return null;
}
