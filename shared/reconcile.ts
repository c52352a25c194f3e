/** All reconciliation rules over the ledgers of one unit and period (P, A, E, B codes). */
import { Finding } from './findings';
import { LedgerKind } from './ledgers';
import { ValidatedLedger } from './validate';
import { RuleOptions } from './rule-findings';
import { reconcilePurchases } from './reconcile-purchases';
import { reconcileAssets } from './reconcile-assets';
import { reconcileSpending } from './reconcile-spending';

export interface Reconciliation {
  findings: Finding[];
  /** Valid purchase row index → matched plan row index (executed = matched and dated ≤ as-of). */
  matches: Map<number, number>;
}

export function reconcile(ledgers: Partial<Record<LedgerKind, ValidatedLedger>>, o: RuleOptions): Reconciliation {
  const p = reconcilePurchases(ledgers.plan, ledgers.purchase, o);
  return {
    findings: [
      ...p.findings,
      ...reconcileAssets(ledgers.purchase, ledgers.asset, ledgers.asset_event, o),
      ...reconcileSpending(ledgers.purchase, ledgers.expense, ledgers.budget, o),
    ],
    matches: p.matches,
  };
}
