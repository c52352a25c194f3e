/**
 * A unit's period as a whole: its current snapshot of each ledger read back, reconciled and
 * analysed by the same shared code as the CLI's `analyze` — so the two give the same result.
 */
import { z } from 'zod';
import { LEDGER_KINDS, LedgerKind } from '../shared/ledgers';
import { FindingsResponse, PeriodSchema, PushOpenRequest } from '../shared/api';
import { Finding, Lang, summarise } from '../shared/findings';
import { ValidatedLedger } from '../shared/validate';
import { asOfOfPeriod } from '../shared/dates';
import { reconcile } from '../shared/reconcile';
import { analyse, Analysis } from '../shared/analysis';
import { sortFindings } from '../shared/check';
import { DEFAULT_REFERENCE, ReferenceData } from '../shared/reference';
import { Db } from './db';
import { Auth, unitScope } from './auth';
import { fromZod } from './http-errors';
import { loadLedgerRows } from './row-store';
import { StoredFinding } from './models';

type PeriodFinding = Finding & { unit: string; snapshot_id: number };

interface PeriodState {
  ledgers: Partial<Record<LedgerKind, ValidatedLedger>>;
  snapshotOf: Partial<Record<LedgerKind, number>>;
  stored: StoredFinding[];
  sheetOrder: Map<string, number>;
}

async function loadPeriod(db: Db, unitId: number, period: string): Promise<PeriodState> {
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
      return { sheet: s.sheet, kind, header_row: s.header_row, data_rows: 0, mapping: h.columns[i] ?? {}, unmapped: [], missing: [] };
    });
    ledgers[kind] = { kind, sheets, rows: await loadLedgerRows(db, kind, snap.id), findings: [] };
    snapshotOf[kind] = snap.id;
  }
  const stored = heads.length ? await db.models.StoredFinding.findAll({ where: { snapshot_id: heads.map((x) => x.snapshot_id) }, order: [['id', 'ASC']] }) : [];
  return { ledgers, snapshotOf, stored, sheetOrder };
}

function fromStored(f: StoredFinding, unit: string, lang: Lang): PeriodFinding {
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

/** Validation findings stored with the snapshots, and the reconciliation of the period. */
async function periodResult(db: Db, unit: { id: number; code: string }, period: string, lang: Lang, ref: ReferenceData) {
  const state = await loadPeriod(db, unit.id, period);
  const asOf = asOfOfPeriod(period)!;
  const rec = reconcile(state.ledgers, { asOf, ref, lang });
  const findings: PeriodFinding[] = [
    ...state.stored.map((f) => fromStored(f, unit.code, lang)),
    ...rec.findings.map((f) => ({ ...f, unit: unit.code, snapshot_id: state.snapshotOf[f.ledger!]! })),
  ];
  sortFindings(findings, state.sheetOrder);
  return { state, rec, findings, asOf };
}

const Query = z.object({ period: PeriodSchema, unit: z.string().optional(), lang: z.enum(['zh', 'en']).optional() });

export async function periodFindings(db: Db, auth: Auth, query: unknown, ref: ReferenceData = DEFAULT_REFERENCE): Promise<FindingsResponse> {
  const q = Query.safeParse(query);
  if (!q.success) throw fromZod(q.error.issues);
  const unit = await unitScope(db, auth, q.data.unit);
  const { findings } = await periodResult(db, unit, q.data.period, q.data.lang ?? 'zh', ref);
  return { period: q.data.period, findings, summary: summarise(findings) };
}

export async function periodAnalysis(db: Db, auth: Auth, query: unknown, ref: ReferenceData = DEFAULT_REFERENCE): Promise<Analysis & { unit: string; unit_name: string | null; period: string }> {
  const q = Query.safeParse(query);
  if (!q.success) throw fromZod(q.error.issues);
  const unit = await unitScope(db, auth, q.data.unit);
  const lang = q.data.lang ?? 'zh';
  const { state, rec, findings, asOf } = await periodResult(db, unit, q.data.period, lang, ref);
  const name = (await db.models.Unit.findByPk(unit.id))?.name ?? null;
  return { unit: unit.code, unit_name: name, period: q.data.period, ...analyse({ ledgers: state.ledgers, matches: rec.matches, findings, asOf, ref, lang }) };
}
