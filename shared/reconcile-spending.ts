/**
 * Purchase ↔ expense and expense ↔ budget reconciliation (rules.md, E01–E03, B01–B02): payments
 * within contracts, contracts paid, spending within budget lines.
 */
import { Finding } from './findings';
import { ValidatedLedger } from './validate';
import { Fen, fenToYuanString } from './money';
import { addDays } from './dates';
import { RuleFindings, RuleOptions, byDate, firstValidById, idsCarried, idsOf, number, takingPart, text } from './rule-findings';

const EXPENSE_IDS = ['voucher_no', 'purchase_id'];

export function reconcileSpending(
  purchase: ValidatedLedger | undefined,
  expense: ValidatedLedger | undefined,
  budget: ValidatedLedger | undefined,
  o: RuleOptions,
): Finding[] {
  const out = new RuleFindings(o.lang);
  const purchases = purchase?.rows ?? [];
  const expenses = expense?.rows ?? [];
  const lines = budget?.rows ?? [];
  const paying = byDate(expenses, takingPart(expenses, o.asOf, 'date'), 'date');

  const anyPurchaseId = idsCarried(purchases, 'purchase_id');
  const validPurchase = firstValidById(purchases, 'purchase_id');

  // E01, E02: payments against their purchase, in date order.
  const paid = new Map<string, number>();
  for (const i of paying) {
    const e = expenses[i]!;
    const pid = text(e.values.purchase_id);
    if (pid === null) continue;
    if (!anyPurchaseId.has(pid)) {
      out.add(expense!, 'E02', e, 'purchase_id', idsOf(e, EXPENSE_IDS), pid);
      continue;
    }
    const total = (paid.get(pid) ?? 0) + (number(e.values.amount) ?? 0);
    paid.set(pid, total);
    const p = validPurchase.get(pid);
    const amount = p ? number(p.values.amount) : null;
    if (amount !== null && total > amount) out.add(expense!, 'E01', e, 'amount', idsOf(e, EXPENSE_IDS), fenToYuanString(total as Fen), `<= ${fenToYuanString(amount as Fen)}`);
  }

  // E03: purchases older than the unpaid-contract age without any payment.
  const days = o.ref.thresholds.unpaid_contract_days;
  const cutoff = addDays(o.asOf, -days);
  for (const i of takingPart(purchases, o.asOf, 'date')) {
    const p = purchases[i]!;
    const id = text(p.values.purchase_id);
    if (id === null || paid.has(id) || String(p.values.date) >= cutoff) continue;
    out.add(purchase!, 'E03', p, null, idsOf(p, ['purchase_id', 'plan_id']), String(p.values.date), String(days));
  }

  // B01, B02: only for years that have a budget ledger.
  const budgets = new Map<string, number>();
  const years = new Set<number>();
  for (const l of lines) {
    if (!l.valid) continue;
    const year = number(l.values.year);
    if (year === null) continue;
    years.add(year);
    const key = `${year}|${text(l.values.department) ?? ''}|${l.values.econ_class}`;
    budgets.set(key, (budgets.get(key) ?? 0) + (number(l.values.amount) ?? 0));
  }
  const spent = new Map<string, number>();
  for (const i of paying) {
    const e = expenses[i]!;
    const year = +String(e.values.date).slice(0, 4);
    if (!years.has(year)) continue;
    const cls = String(e.values.econ_class);
    const dept = text(e.values.department);
    // A department's own line, else a line without department that covers (and pools) them all.
    const own = dept !== null ? `${year}|${dept}|${cls}` : null;
    const key = own !== null && budgets.has(own) ? own : `${year}||${cls}`;
    const ids = idsOf(e, EXPENSE_IDS);
    if (!budgets.has(key)) {
      out.add(expense!, 'B02', e, 'econ_class', ids, `${year} ${dept ?? ''} ${cls}`.replace(/\s+/g, ' '));
      continue;
    }
    const total = (spent.get(key) ?? 0) + (number(e.values.amount) ?? 0);
    spent.set(key, total);
    if (total > budgets.get(key)!) out.add(expense!, 'B01', e, 'amount', ids, fenToYuanString(total as Fen), `<= ${fenToYuanString(budgets.get(key)! as Fen)}`);
  }
  return out.list;
}
