/**
 * Reconciliation on commit: after each commit the unit's period is reconciled (P/A/E/B rules of
 * shared/, over the current snapshot of every ledger) and its findings stored with the run. Runs
 * start once a unit's period has had no commit for a moment, one at a time per unit and period,
 * so a burst of commits (a clerk pushing six ledgers) gives one run after the last. Readers use the stored run
 * when it was computed from the current snapshots and reference data, and compute it otherwise,
 * so an answer is never stale.
 */
import type { Logger } from 'pino';
import { asOfOfPeriod } from '../shared/dates';
import { summarise } from '../shared/findings';
import { LedgerKind } from '../shared/ledgers';
import { reconcile } from '../shared/reconcile';
import { ReferenceData } from '../shared/reference';
import { audit } from './auth';
import { Db } from './db';
import { FINDING_COLUMNS, findingRecord } from './finding-records';
import { Reconciliation } from './models';
import { basisOf, loadPeriod } from './period-state';
import { insertRows } from './row-store';
import { recordInsertStatements } from './row-sql';


/** Reconciles a unit's period and stores the run, unless the stored one is already current. */
export async function reconcileAndStore(db: Db, unitId: number, period: string, ref: ReferenceData): Promise<Reconciliation | null> {
  const state = await loadPeriod(db, unitId, period);
  const basis = basisOf(state.snapshotOf, ref);
  const existing = await db.models.Reconciliation.findOne({ where: { unit_id: unitId, period } });
  if (existing?.basis === basis) return existing;
  const rec = reconcile(state.ledgers, { asOf: asOfOfPeriod(period)!, ref, lang: 'zh' });
  const summary = summarise(rec.findings);
  const anySnapshot = Object.values(state.snapshotOf)[0];
  return db.write(async (t) => {
    // A commit may have landed since the ledgers were read: then a later run stores its result.
    const heads = await db.models.LedgerHead.findAll({ where: { unit_id: unitId, period }, transaction: t });
    if (basisOf(Object.fromEntries(heads.map((h) => [h.kind, h.snapshot_id])) as Partial<Record<LedgerKind, number>>, ref) !== basis) return null;
    const old = await db.models.Reconciliation.findOne({ where: { unit_id: unitId, period }, transaction: t });
    if (old) {
      await db.models.StoredFinding.destroy({ where: { reconciliation_id: old.id }, transaction: t });
      await old.destroy({ transaction: t });
    }
    const run = await db.models.Reconciliation.create(
      { unit_id: unitId, period, basis, findings_error: summary.error, findings_warning: summary.warning, findings_info: summary.info, created_at: new Date() },
      { transaction: t },
    );
    // A big period (a purchase ledger pushed before its plan) can have hundreds of thousands of
    // findings: they go in through the same literal bulk path as ledger rows.
    const records = rec.findings.map((f) => findingRecord(f, (f.ledger && state.snapshotOf[f.ledger]) || anySnapshot!, run.id));
    await insertRows(db, t, run.id, recordInsertStatements('findings', FINDING_COLUMNS, 'reconciliation_id', records, db.dialect));
    await audit(db, { unitId, action: 'reconcile', period, details: { reconciliation_id: run.id, snapshots: state.snapshotOf, findings: summary } }, t);
    return run;
  });
}

export class Reconciler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly waiting = new Map<string, { timer: NodeJS.Timeout; unitId: number; period: string }>();

  constructor(
    private readonly db: Db,
    private readonly ref: ReferenceData,
    private readonly log?: Logger,
    /** Quiet time after a commit before the run starts: a clerk's six pushes give one run. */
    private readonly delayMs = 1_500,
  ) {}

  /** Reconcile the period once its commits pause; never throws (a failed run is computed on read). */
  schedule(unitId: number, period: string): void {
    const key = `${unitId}/${period}`;
    clearTimeout(this.waiting.get(key)?.timer);
    const timer = setTimeout(() => this.start(key), this.delayMs);
    timer.unref();
    this.waiting.set(key, { timer, unitId, period });
  }

  private start(key: string): void {
    const w = this.waiting.get(key);
    if (!w) return;
    clearTimeout(w.timer);
    this.waiting.delete(key);
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const run = (async () => {
      do {
        this.again.delete(key);
        try {
          await reconcileAndStore(this.db, w.unitId, w.period, this.ref);
        } catch (e) {
          this.log?.warn({ err: e, unit_id: w.unitId, period: w.period }, 'reconciliation after commit failed; findings are computed on read');
        }
      } while (this.again.has(key));
    })().finally(() => this.running.delete(key));
    this.running.set(key, run);
  }

  /** A reader of the period: a waiting run starts now, and the answer waits for it. */
  async settled(unitId: number, period: string): Promise<void> {
    const key = `${unitId}/${period}`;
    this.start(key);
    await this.running.get(key);
  }

  /** Every waiting run started and finished (tests; nothing left to do). */
  async idle(): Promise<void> {
    for (const key of [...this.waiting.keys()]) this.start(key);
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Shutting down: waiting runs are dropped (reads compute them), running ones finish. */
  async stop(): Promise<void> {
    for (const w of this.waiting.values()) clearTimeout(w.timer);
    this.waiting.clear();
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
}
