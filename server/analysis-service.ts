/**
 * A unit's period as a whole: its current snapshot of each ledger read back, reconciled and
 * analysed by the same shared code as the CLI's `analyze` — so the two give the same result.
 */
import { z } from 'zod';
import { FindingsResponse, PeriodSchema } from '../shared/api';
import { Lang, summarise } from '../shared/findings';
import { asOfOfPeriod } from '../shared/dates';
import { reconcile } from '../shared/reconcile';
import { analyse, Analysis } from '../shared/analysis';
import { sortFindings } from '../shared/check';
import { DEFAULT_REFERENCE, ReferenceData } from '../shared/reference';
import { Db } from './db';
import { Auth, unitScope } from './auth';
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

const Query = z.object({ period: PeriodSchema, unit: z.string().optional(), lang: z.enum(['zh', 'en']).optional() });

export async function periodFindings(db: Db, auth: Auth, query: unknown, ref: ReferenceData = DEFAULT_REFERENCE, reconciler?: Reconciler): Promise<FindingsResponse> {
  const q = Query.safeParse(query);
  if (!q.success) throw fromZod(q.error.issues);
  const unit = await unitScope(db, auth, q.data.unit);
  const { findings } = await periodResult(db, unit, q.data.period, q.data.lang ?? 'zh', ref, reconciler);
  return { period: q.data.period, findings, summary: summarise(findings) };
}

export async function periodAnalysis(db: Db, auth: Auth, query: unknown, ref: ReferenceData = DEFAULT_REFERENCE, reconciler?: Reconciler): Promise<Analysis & { unit: string; unit_name: string | null; period: string }> {
  const q = Query.safeParse(query);
  if (!q.success) throw fromZod(q.error.issues);
  const unit = await unitScope(db, auth, q.data.unit);
  const lang = q.data.lang ?? 'zh';
  const { state, reconciled, findings, asOf } = await periodResult(db, unit, q.data.period, lang, ref, reconciler);
  const name = (await db.models.Unit.findByPk(unit.id))?.name ?? null;
  return { unit: unit.code, unit_name: name, period: q.data.period, ...analyse({ ledgers: state.ledgers, matches: reconciled().matches, findings, asOf, ref, lang }) };
}
