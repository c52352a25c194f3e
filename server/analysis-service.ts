/**
 * A unit's period as a whole: its current snapshot of each ledger read back, reconciled and
 * analysed by the same shared code as the CLI's `analyze` — so the two give the same result.
 */
import { z } from 'zod';
import { FindingsResponse, PeriodSchema } from '../shared/api';
import { Lang, summarise } from '../shared/findings';
import { asOfOfPeriod } from '../shared/dates';
import { reconcile } from '../shared/reconcile';
import { analyse, Analysis, AnalysisInput, mergeUnitAnalyses } from '../shared/analysis';
import { sortFindings } from '../shared/check';
import { DEFAULT_REFERENCE, ReferenceData } from '../shared/reference';
import { Db } from './db';
import { Auth, readsAllUnits, unitScope } from './auth';
import { fromZod } from './http-errors';
import { PeriodFinding, fromStored } from './finding-records';
import { basisOf, loadPeriod } from './period-state';
import { Reconciler } from './reconcile-service';

/** Validation findings stored with the snapshots, and the reconciliation of the period: stored when current, else computed. */
async function periodResult(db: Db, unit: { id: number; code: string }, period: string, lang: Lang, ref: ReferenceData, reconciler?: Reconciler) {
  await reconciler?.settled(unit.id, period);
  const state = await loadPeriod(db, unit.id, period);
  const asOf = asOfOfPeriod(period)!;
  const run = await db.models.Reconciliation.findOne({ where: { unit_id: unit.id, period } });
  const stored = run?.basis === basisOf(state.snapshotOf, ref) ? await db.models.StoredFinding.findAll({ where: { reconciliation_id: run.id }, order: [['id', 'ASC']] }) : null;
  // The plan matches are needed by the analysis whatever is stored; the rules run again only then.
  let rec: ReturnType<typeof reconcile> | undefined;
  const reconciled = () => (rec ??= reconcile(state.ledgers, { asOf, ref, lang }));
  const findings: PeriodFinding[] = [
    ...state.validation.map((f) => fromStored(f, unit.code, lang)),
    ...(stored
      ? stored.map((f) => fromStored(f, unit.code, lang))
      : reconciled().findings.map((f) => ({ ...f, unit: unit.code, snapshot_id: state.snapshotOf[f.ledger!]! }))),
  ];
  sortFindings(findings, state.sheetOrder);
  return { state, reconciled, findings, asOf, reconciliation_id: stored ? run!.id : null };
}

/** The findings of a unit's period now (validation and reconciliation), as month-end close weighs them. */
export async function unitPeriodFindings(db: Db, unit: { id: number; code: string }, period: string, ref: ReferenceData, reconciler?: Reconciler): Promise<PeriodFinding[]> {
  return (await periodResult(db, unit, period, 'zh', ref, reconciler)).findings;
}

const Query = z.object({ period: PeriodSchema, unit: z.string().optional(), lang: z.enum(['zh', 'en']).optional() });

/**
 * The units a read covers: the one asked for (or the token's own); for a reviewer who names none,
 * every unit with ledgers in the period (the reviewer's view across units).
 */
async function unitsOf(db: Db, auth: Auth, unit: string | undefined, period: string): Promise<{ id: number; code: string }[] | null> {
  if ((unit !== undefined && unit !== '') || !readsAllUnits(auth)) return null;
  const heads = await db.models.LedgerHead.findAll({ where: { period }, attributes: ['unit_id'] });
  const ids = [...new Set(heads.map((h) => h.unit_id))];
  const units = ids.length ? await db.models.Unit.findAll({ where: { id: ids } }) : [];
  return units.map((u) => ({ id: u.id, code: u.code })).sort((a, b) => a.code.localeCompare(b.code));
}

export async function periodFindings(db: Db, auth: Auth, query: unknown, ref: ReferenceData = DEFAULT_REFERENCE, reconciler?: Reconciler): Promise<FindingsResponse> {
  const q = Query.safeParse(query);
  if (!q.success) throw fromZod(q.error.issues);
  const lang = q.data.lang ?? 'zh';
  const all = await unitsOf(db, auth, q.data.unit, q.data.period);
  const units = all ?? [await unitScope(db, auth, q.data.unit)];
  const findings: PeriodFinding[] = [];
  for (const unit of units) findings.push(...(await periodResult(db, unit, q.data.period, lang, ref, reconciler)).findings);
  return { period: q.data.period, findings, summary: summarise(findings) };
}

/**
 * The same month a year before, as the unit pushed it: the prior-year figures (analysis.md,
 * departments) when this month's ledgers hold no prior-year rows themselves.
 */
async function priorPeriod(db: Db, unitId: number, period: string, ref: ReferenceData, lang: Lang): Promise<AnalysisInput['prior']> {
  const before = `${+period.slice(0, 4) - 1}${period.slice(4)}`;
  if ((await db.models.LedgerHead.count({ where: { unit_id: unitId, period: before } })) === 0) return undefined;
  const state = await loadPeriod(db, unitId, before);
  return { ledgers: state.ledgers, matches: reconcile(state.ledgers, { asOf: asOfOfPeriod(before)!, ref, lang }).matches };
}

export async function periodAnalysis(db: Db, auth: Auth, query: unknown, ref: ReferenceData = DEFAULT_REFERENCE, reconciler?: Reconciler): Promise<Analysis & { unit: string; unit_name: string | null; period: string }> {
  const q = Query.safeParse(query);
  if (!q.success) throw fromZod(q.error.issues);
  const lang = q.data.lang ?? 'zh';
  const analysisOf = async (unit: { id: number; code: string }) => {
    const { state, reconciled, findings, asOf } = await periodResult(db, unit, q.data.period, lang, ref, reconciler);
    return analyse({ ledgers: state.ledgers, matches: reconciled().matches, findings, asOf, ref, lang, prior: await priorPeriod(db, unit.id, q.data.period, ref, lang) });
  };
  const all = await unitsOf(db, auth, q.data.unit, q.data.period);
  if (all) {
    const parts = [];
    for (const unit of all) parts.push({ unit: unit.code, analysis: await analysisOf(unit) });
    const merged = mergeUnitAnalyses(parts, asOfOfPeriod(q.data.period)!, lang);
    return { unit: '*', unit_name: lang === 'zh' ? '全部单位' : 'All units', period: q.data.period, ...merged };
  }
  const unit = await unitScope(db, auth, q.data.unit);
  const name = (await db.models.Unit.findByPk(unit.id))?.name ?? null;
  return { unit: unit.code, unit_name: name, period: q.data.period, ...(await analysisOf(unit)) };
}
