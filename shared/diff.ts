/**
 * What changed in a ledger between two snapshots (last month's and this month's): rows added,
 * removed and changed field by field, matched by the kind's id (a composite key for the kinds
 * without one). Pure; values as the snapshot API gives them (money as yuan strings).
 */
import { LEDGERS, LedgerKind } from './ledgers';
import { LedgerRow } from './validate';
import { fenToYuanString, Fen } from './money';

export type DiffValue = string | number | boolean | null;

/** Row identity per kind: the id field, or for events and budget lines the fields that make one. */
export const DIFF_KEY: Record<LedgerKind, readonly string[]> = {
  plan: ['plan_id'],
  purchase: ['purchase_id'],
  asset: ['asset_id'],
  asset_event: ['asset_id', 'date', 'event'],
  expense: ['voucher_no'],
  budget: ['year', 'department', 'econ_class'],
};

export interface DiffRow {
  key: string;
  sheet: string;
  row: number;
  values: Record<string, DiffValue>;
}

export interface FieldChange {
  field: string;
  before: DiffValue;
  after: DiffValue;
}

export interface ChangedRow {
  key: string;
  sheet: string;
  row: number;
  previous_sheet: string;
  previous_row: number;
  changes: FieldChange[];
}

export interface LedgerDiff {
  kind: LedgerKind;
  added: DiffRow[];
  removed: DiffRow[];
  changed: ChangedRow[];
  unchanged: number;
  /** Rows that cannot be matched: a key field empty or unreadable, or a key repeated (after its first row). */
  unmatched: { before: number; after: number };
}

/** A field as shown: money in yuan, an unreadable cell as the text the clerk typed. */
export function diffValue(kind: LedgerKind, field: string, row: LedgerRow): DiffValue {
  const v = row.values[field];
  if (v === null || v === undefined) return row.raw[field] ?? null;
  const spec = LEDGERS[kind].fields.find((f) => f.name === field);
  return spec?.type === 'money' && typeof v === 'number' ? fenToYuanString(v as Fen) : (v as DiffValue);
}

function keyed(kind: LedgerKind, rows: readonly LedgerRow[]): { map: Map<string, LedgerRow>; unmatched: number } {
  const map = new Map<string, LedgerRow>();
  let unmatched = 0;
  for (const r of rows) {
    const parts = DIFF_KEY[kind].map((f) => r.values[f]);
    if (parts.some((p) => p === null || p === undefined || p === '')) {
      unmatched++;
      continue;
    }
    const key = parts.map(String).join(' / ');
    if (map.has(key)) unmatched++;
    else map.set(key, r);
  }
  return { map, unmatched };
}

export function diffLedger(kind: LedgerKind, before: readonly LedgerRow[], after: readonly LedgerRow[]): LedgerDiff {
  const fields = LEDGERS[kind].fields.map((f) => f.name);
  const values = (r: LedgerRow) => Object.fromEntries(fields.map((f) => [f, diffValue(kind, f, r)]));
  const b = keyed(kind, before);
  const a = keyed(kind, after);
  const out: LedgerDiff = { kind, added: [], removed: [], changed: [], unchanged: 0, unmatched: { before: b.unmatched, after: a.unmatched } };
  for (const [key, r] of a.map) {
    const old = b.map.get(key);
    if (!old) {
      out.added.push({ key, sheet: r.sheet, row: r.row, values: values(r) });
      continue;
    }
    const changes: FieldChange[] = [];
    for (const f of fields) {
      const x = diffValue(kind, f, old);
      const y = diffValue(kind, f, r);
      if (x !== y) changes.push({ field: f, before: x, after: y });
    }
    if (changes.length === 0) out.unchanged++;
    else out.changed.push({ key, sheet: r.sheet, row: r.row, previous_sheet: old.sheet, previous_row: old.row, changes });
  }
  for (const [key, r] of b.map) if (!a.map.has(key)) out.removed.push({ key, sheet: r.sheet, row: r.row, values: values(r) });
  return out;
}

/** The month before a `YYYY-MM` period. */
export function previousPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
