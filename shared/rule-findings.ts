/** What the reconciliation rules share: reading row values, and making a finding on a row. */
import { Finding, FindingCode, Lang } from './findings';
import { LedgerKind } from './ledgers';
import { LedgerRow, ValidatedLedger, makeFinding } from './validate';
import { IsoDate } from './dates';
import { ReferenceData } from './reference';

export interface RuleOptions {
  asOf: IsoDate;
  ref: ReferenceData;
  lang: Lang;
}

export const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
export const number = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** Findings of one rule family, pointing at ledger rows with the columns of their own sheets. */
export class RuleFindings {
  readonly list: Finding[] = [];
  constructor(private readonly lang: Lang) {}

  add(
    ledger: ValidatedLedger,
    code: FindingCode,
    r: LedgerRow,
    field: string | null,
    ids: Record<string, string>,
    value?: string,
    expected?: string,
  ): void {
    const where: Omit<Finding, 'code' | 'severity' | 'message'> = { ledger: ledger.kind as LedgerKind, sheet: r.sheet, row: r.row };
    if (field) {
      const column = ledger.sheets.find((s) => s.sheet === r.sheet)?.mapping[field];
      if (column) where.column = column;
      where.field = field;
    }
    if (Object.keys(ids).length > 0) where.ids = ids;
    if (value !== undefined) where.value = value;
    if (expected !== undefined) where.expected = expected;
    this.list.push(makeFinding(code, this.lang, where));
  }
}

/** The row's own id and the ids it refers to, as written on it (rules.md, `ids`). */
export function idsOf(r: LedgerRow, fields: string[]): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const f of fields) {
    const v = text(r.values[f]);
    if (v !== null) ids[f] = v;
  }
  return ids;
}

/** Rows that take part: valid, and (for dated kinds) dated on or before the as-of date. */
export function takingPart(rows: readonly LedgerRow[], asOf: IsoDate, dateField: string | null): number[] {
  const out: number[] = [];
  rows.forEach((r, i) => {
    if (r.valid && (dateField === null || String(r.values[dateField]) <= asOf)) out.push(i);
  });
  return out;
}

/** Indices by date, then ledger order (sheet order, then row). */
export function byDate(rows: readonly LedgerRow[], indices: number[], dateField: string): number[] {
  return [...indices].sort((a, b) => String(rows[a]!.values[dateField]).localeCompare(String(rows[b]!.values[dateField])) || a - b);
}

/** Appends to the list under a key (a list per key, built in one pass). */
export function pushTo<K, V>(m: Map<K, V[]>, key: K, value: V): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

/** Every value of an id field carried by any row, valid or not: references fail only when none does. */
export function idsCarried(rows: readonly LedgerRow[], field: string): Set<string> {
  const ids = new Set<string>();
  for (const r of rows) {
    const id = text(r.values[field]);
    if (id !== null) ids.add(id);
  }
  return ids;
}

/** The first valid row carrying each id. */
export function firstValidById(rows: readonly LedgerRow[], field: string): Map<string, LedgerRow> {
  const byId = new Map<string, LedgerRow>();
  for (const r of rows) {
    const id = text(r.values[field]);
    if (r.valid && id !== null && !byId.has(id)) byId.set(id, r);
  }
  return byId;
}
