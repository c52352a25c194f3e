/** A unit's period as stored: the current snapshot of each ledger, read back as validated ledgers. */
import { createHash } from 'node:crypto';
import { LEDGER_KINDS, LedgerKind } from '../shared/ledgers';
import { PushOpenRequest } from '../shared/api';
import { ValidatedLedger } from '../shared/validate';
import { ReferenceData } from '../shared/reference';
import { Db } from './db';
import { loadLedgerRows } from './row-store';
import { StoredFinding } from './models';

export interface PeriodState {
  ledgers: Partial<Record<LedgerKind, ValidatedLedger>>;
  snapshotOf: Partial<Record<LedgerKind, number>>;
  /** Validation findings stored with those snapshots. */
  validation: StoredFinding[];
  sheetOrder: Map<string, number>;
}

export async function loadPeriod(db: Db, unitId: number, period: string): Promise<PeriodState> {
  const heads = await db.models.LedgerHead.findAll({ where: { unit_id: unitId, period } });
  const ledgers: PeriodState['ledgers'] = {};
  const snapshotOf: PeriodState['snapshotOf'] = {};
  const sheetOrder = new Map<string, number>();
  for (const kind of LEDGER_KINDS) {
    const head = heads.find((h) => h.kind === kind);
    if (!head) continue;
    const snap = await db.models.Snapshot.findByPk(head.snapshot_id);
    if (!snap) continue;
    const h = JSON.parse(snap.head) as Pick<PushOpenRequest, 'source' | 'columns'>;
    const sheets = h.source.sheets.map((s, i) => {
      if (!sheetOrder.has(s.sheet)) sheetOrder.set(s.sheet, sheetOrder.size);
      return { sheet: s.sheet, kind, header_row: s.header_row, header_rows: s.header_rows ?? 1, data_rows: 0, mapping: h.columns[i] ?? {}, unmapped: [], missing: [] };
    });
    ledgers[kind] = { kind, sheets, rows: await loadLedgerRows(db, kind, snap.id), findings: [] };
    snapshotOf[kind] = snap.id;
  }
  const validation = heads.length
    ? await db.models.StoredFinding.findAll({ where: { snapshot_id: heads.map((x) => x.snapshot_id), reconciliation_id: null }, order: [['id', 'ASC']] })
    : [];
  return { ledgers, snapshotOf, validation, sheetOrder };
}

/** What a reconciliation was computed from: the snapshots and the reference data. */
export function basisOf(snapshotOf: PeriodState['snapshotOf'], ref: ReferenceData): string {
  const snaps = LEDGER_KINDS.filter((k) => snapshotOf[k] !== undefined).map((k) => `${k}=${snapshotOf[k]}`).join(',');
  return `${snaps}@${createHash('sha256').update(JSON.stringify(ref)).digest('hex').slice(0, 16)}`;
}
