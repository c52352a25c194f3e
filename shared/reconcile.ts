/** All reconciliation rules over the ledgers of one unit and period (P, A, E, B codes). */
import { Finding, FindingCode } from './findings';
import { ValidatedLedger, makeFinding } from './validate';
import { LedgerKind } from './ledgers';

import { RuleOptions } from './rule-findings';
import { reconcilePurchases } from './reconcile-purchases';
import { reconcileAssets } from './reconcile-assets';
import { reconcileSpending } from './reconcile-spending';

export interface Reconciliation {
  findings: Finding[];
  /** Valid purchase row index → matched plan row index (executed = matched and dated ≤ as-of). */
  matches: Map<number, number>;
}

/**
 * The rules a missing ledger stops (rules.md, I05), and the ledgers that would have needed it, in
 * the order the one I05 goes on the first of them that was read.
 */
const NEEDS: { missing: LedgerKind; by: LedgerKind[]; codes: FindingCode[]; said: string }[] = [
  { missing: 'plan', by: ['purchase'], codes: ['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P07', 'P09', 'P11'], said: 'P01–P07, P09, P11' },
  { missing: 'asset', by: ['purchase'], codes: ['A01', 'A02', 'A03'], said: 'A01–A03' },
  { missing: 'purchase', by: ['asset', 'expense'], codes: ['A04', 'E02'], said: 'A04, E02' },
  { missing: 'budget', by: ['expense'], codes: ['B01', 'B02'], said: 'B01–B02' },
];

export function reconcile(ledgers: Partial<Record<LedgerKind, ValidatedLedger>>, o: RuleOptions): Reconciliation {
  const p = reconcilePurchases(ledgers.plan, ledgers.purchase, o);
  const notes: Finding[] = [];
  const unjudged = new Set<FindingCode>();
  for (const n of NEEDS) {
    if (ledgers[n.missing]) continue;
    const needing = n.by.map((k) => ledgers[k]).find((l) => l !== undefined && l.sheets.length > 0);
    if (!needing) continue;
    // One note on the first sheet of the ledger that needed it, never one error per row.
    notes.push(makeFinding('I05', o.lang, { ledger: needing.kind, sheet: needing.sheets[0]!.sheet, value: n.missing, expected: n.said }));
    for (const c of n.codes) unjudged.add(c);
  }
  const judged = [
    ...p.findings,
    ...reconcileAssets(ledgers.purchase, ledgers.asset, ledgers.asset_event, o),
    ...reconcileSpending(ledgers.purchase, ledgers.expense, ledgers.budget, o),
  ].filter((f) => !unjudged.has(f.code));
  return { findings: [...notes, ...judged], matches: p.matches };
}
