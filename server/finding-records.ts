/** Findings as stored rows (both languages kept) and back: one mapping for validation and reconciliation. */
import { Finding, Lang, messageIn } from '../shared/findings';
import { LedgerKind } from '../shared/ledgers';
import { StoredFinding } from './models';

export type PeriodFinding = Finding & { unit: string; snapshot_id: number };

/** The columns of a stored finding, in findingRecord's order. */
export const FINDING_COLUMNS = ['snapshot_id', 'code', 'severity', 'ledger', 'sheet', 'row', 'column', 'field', 'ids', 'value', 'expected', 'message_zh', 'message_en', 'reconciliation_id'];

/** `f` must be rendered in Chinese (the stored default); English is rendered from its arguments. */
export function findingRecord(f: Finding, snapshotId: number, reconciliationId: number | null = null) {
  return {
    snapshot_id: snapshotId, code: f.code, severity: f.severity, ledger: f.ledger ?? null, sheet: f.sheet ?? null, row: f.row ?? null,
    column: f.column ?? null, field: f.field ?? null, ids: f.ids ? JSON.stringify(f.ids) : null, value: f.value ?? null,
    expected: f.expected ?? null, message_zh: f.message, message_en: messageIn(f, 'en'), reconciliation_id: reconciliationId,
  };
}

export function fromStored(f: StoredFinding, unit: string, lang: Lang): PeriodFinding {
  const out: PeriodFinding = { code: f.code as Finding['code'], severity: f.severity as Finding['severity'], message: lang === 'en' ? f.message_en : f.message_zh, unit, snapshot_id: f.snapshot_id };
  if (f.ledger) out.ledger = f.ledger as LedgerKind;
  if (f.sheet) out.sheet = f.sheet;
  if (f.row !== null) out.row = f.row;
  if (f.column) out.column = f.column;
  if (f.field) out.field = f.field;
  if (f.ids) out.ids = JSON.parse(f.ids) as Record<string, string>;
  if (f.value !== null) out.value = f.value;
  if (f.expected !== null) out.expected = f.expected;
  return out;
}
