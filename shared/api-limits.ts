/**
 * The HTTP contract's constants, apart from its zod schemas (shared/api.ts): what the task pane
 * needs without loading zod, which EdgeHTML (Office 2016/2019) cannot run (it uses BigInt).
 */
export const API_PREFIX = '/api/v1';
export const MAX_CHUNK_ROWS = 10_000;
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
export const MAX_EXCEL_ROWS = 1_048_576;
export const MAX_EXCEL_COLUMNS = 16_384;
export const MAX_PUSH_ROWS = 1_000_000;
export const ROLES = ['clerk', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
