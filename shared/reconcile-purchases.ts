/**
 * Plan ↔ purchase reconciliation (rules.md, P01–P11): every purchase matched to its plan line,
 * then quantity, price, amount, method, year, split purchases and unexecuted plan lines.
 */
import { catalogueItem } from './reconcile-assets';
import { Finding } from './findings';
import { LedgerRow, ValidatedLedger } from './validate';
import { IsoDate, addDays } from './dates';
import { fenToYuanString, Fen } from './money';
import { RuleFindings, RuleOptions, byDate, firstValidById, idsCarried, number as num, pushTo, takingPart, text as str } from './rule-findings';

export interface PurchaseReconciliation {
  findings: Finding[];
  /** Index of each valid purchase row (in the purchase ledger) → index of its plan row. */
  matches: Map<number, number>;
}


/** The catalogue a code belongs to (reference.md): 9 characters → the as-of year's, else 2013. */
export function catalogueOf(code: string, asOfYear: number): '2013' | '2022' {
  return code.length === 9 && asOfYear >= 2023 ? '2022' : '2013';
}

export function reconcilePurchases(plan: ValidatedLedger | undefined, purchase: ValidatedLedger | undefined, o: RuleOptions): PurchaseReconciliation {
  const out = new RuleFindings(o.lang);
  const matches = new Map<number, number>();
  const year = +o.asOf.slice(0, 4);
  const planRows = plan?.rows ?? [];
  const purchaseRows = purchase?.rows ?? [];

  // Every plan_id carried by any plan row, valid or not: P01 only when none carries it.
  const anyPlanId = idsCarried(planRows, 'plan_id');
  const planIndex = new Map(planRows.map((r, i) => [r, i]));
  const planById = new Map([...firstValidById(planRows, 'plan_id')].map(([id, r]) => [id, planIndex.get(r)!]));

  // Purchases that take part: valid, dated on or before the as-of date; by date, then sheet row.
  const order = byDate(purchaseRows, takingPart(purchaseRows, o.asOf, 'date'), 'date');

  // Valid plan lines by year and code, and by year and name, for matching without plan_id.
  const linesByCode = new Map<string, number[]>();
  const linesByName = new Map<string, number[]>();
  planRows.forEach((l, k) => {
    if (!l.valid) return;
    const code = str(l.values.item_code);
    if (code !== null) pushTo(linesByCode, `${l.values.year}|${code}`, k);
    const name = `${l.values.year}|${str(l.values.item_name)}`;
    pushTo(linesByName, name, k);
  });
  const cumQty = new Map<number, number>();
  const cumAmount = new Map<number, number>();
  const sameItem = (p: LedgerRow, l: LedgerRow) => {
    const pc = str(p.values.item_code);
    const lc = str(l.values.item_code);
    return pc !== null && lc !== null ? pc === lc : str(p.values.item_name) === str(l.values.item_name);
  };

  for (const i of order) {
    const p = purchaseRows[i]!;
    const pv = p.values;
    const own: Record<string, string> = {};
    if (str(pv.purchase_id)) own.purchase_id = str(pv.purchase_id)!;
    const planIdOnRow = str(pv.plan_id);
    let lineIndex: number | undefined;
    let byId = false;
    if (planIdOnRow !== null) {
      byId = true;
      lineIndex = planById.get(planIdOnRow);
      if (lineIndex === undefined) {
        if (!anyPlanId.has(planIdOnRow)) out.add(purchase!, 'P01', p, null, { ...own, plan_id: planIdOnRow }, planIdOnRow);
        continue; // an existing but invalid plan line takes no part
      }
    } else {
      const pYear = +String(pv.date).slice(0, 4);
      const pc = str(pv.item_code);
      const pn = str(pv.item_name);
      // Lines of the year with the same code (both coded), or the same name (either without a code).
      const pool = [...(pc !== null ? (linesByCode.get(`${pYear}|${pc}`) ?? []) : []), ...(linesByName.get(`${pYear}|${pn}`) ?? [])];
      const candidates = [...new Set(pool)]
        .filter((k) => {
          const l = planRows[k]!;
          if (!sameItem(p, l)) return false;
          const pd = str(pv.department);
          const ld = str(l.values.department);
          return pd === null || ld === null || pd === ld;
        })
        .sort((a, b) => a - b);
      if (candidates.length === 0) {
        out.add(purchase!, 'P01', p, null, own);
        continue;
      }
      const amount = num(pv.amount) ?? 0;
      lineIndex = candidates.find((k) => (num(planRows[k]!.values.amount) ?? 0) - (cumAmount.get(k) ?? 0) >= amount) ?? candidates[0]!;
    }
    matches.set(i, lineIndex);
    const l = planRows[lineIndex]!;
    const lv = l.values;
    const ids = { ...own, plan_id: String(lv.plan_id) };

    if (byId && !sameItem(p, l)) {
      const byCode = str(pv.item_code) !== null && str(lv.item_code) !== null;
      const field = byCode ? 'item_code' : 'item_name';
      out.add(purchase!, 'P02', p, field, ids, String(pv[field] ?? ''), String(lv[field] ?? ''));
    }
    const qty = (cumQty.get(lineIndex) ?? 0) + (num(pv.quantity) ?? 0);
    cumQty.set(lineIndex, qty);
    if (num(lv.quantity) !== null && qty > (lv.quantity as number)) out.add(purchase!, 'P03', p, 'quantity', ids, String(qty), `<= ${lv.quantity}`);
    if (num(pv.unit_price) !== null && num(lv.unit_price) !== null && (pv.unit_price as number) > (lv.unit_price as number)) {
      out.add(purchase!, 'P04', p, 'unit_price', ids, fenToYuanString(pv.unit_price as Fen), `<= ${fenToYuanString(lv.unit_price as Fen)}`);
    }
    const amount = (cumAmount.get(lineIndex) ?? 0) + (num(pv.amount) ?? 0);
    cumAmount.set(lineIndex, amount);
    if (num(lv.amount) !== null && amount > (lv.amount as number)) {
      out.add(purchase!, 'P05', p, 'amount', ids, fenToYuanString(amount as Fen), `<= ${fenToYuanString(lv.amount as Fen)}`);
    }
    if (pv.method !== lv.method) {
      const approved = str(pv.method_exception_ref) !== null;
      out.add(purchase!, approved ? 'P07' : 'P06', p, 'method', ids, String(pv.method), String(lv.method));
    }
    const pYear = +String(pv.date).slice(0, 4);
    if (lv.year !== pYear) out.add(purchase!, 'P09', p, 'date', ids, String(pYear), String(lv.year));
  }

  // P08: the method policy, on the purchase's own item code, matched or not.
  for (const i of order) {
    const p = purchaseRows[i]!;
    const item = catalogueItem(p, o.ref);
    if (item === null || str(p.values.method_exception_ref) !== null) continue;
    const code = item.code;
    // A code taken from a catalogue name belongs to that catalogue; an own code by its form.
    const cat = item.catalogue ?? catalogueOf(code, year);
    const rule = o.ref.method_policy.find((r) => r.catalogue === cat && code.startsWith(r.prefix));
    if (rule && p.values.method !== rule.method) {
      const ids: Record<string, string> = {};
      if (str(p.values.purchase_id)) ids.purchase_id = str(p.values.purchase_id)!;
      const line = matches.get(i);
      if (line !== undefined) ids.plan_id = String(planRows[line]!.values.plan_id);
      else if (str(p.values.plan_id)) ids.plan_id = str(p.values.plan_id)!;
      out.add(purchase!, 'P08', p, 'method', ids, String(p.values.method), rule.method);
    }
  }

  // P10: split purchases. Eligible purchases per item and department, by date; every window of at
  // most the split window's days whose total reaches the threshold marks all its members.
  const threshold = o.ref.thresholds.public_tender_fen;
  const groups = new Map<string, number[]>();
  for (const i of order) {
    const v = purchaseRows[i]!.values;
    const code = str(v.item_code);
    if (code === null || v.method === 'public_tender' || (num(v.amount) ?? 0) >= threshold) continue;
    const key = `${code}\u0000${str(v.department) ?? ''}`;
    pushTo(groups, key, i);
  }
  const split = new Map<number, number>();
  for (const members of groups.values()) {
    let start = 0;
    let sum = 0;
    for (let end = 0; end < members.length; end++) {
      sum += num(purchaseRows[members[end]!]!.values.amount) ?? 0;
      const last = String(purchaseRows[members[end]!]!.values.date) as IsoDate;
      while (addDays(String(purchaseRows[members[start]!]!.values.date) as IsoDate, o.ref.thresholds.split_window_days) < last) {
        sum -= num(purchaseRows[members[start]!]!.values.amount) ?? 0;
        start++;
      }
      if (end > start && sum >= threshold) for (let k = start; k <= end; k++) split.set(members[k]!, Math.max(sum, split.get(members[k]!) ?? 0));
    }
  }
  for (const i of order) {
    if (!split.has(i)) continue;
    const p = purchaseRows[i]!;
    const ids: Record<string, string> = {};
    if (str(p.values.purchase_id)) ids.purchase_id = str(p.values.purchase_id)!;
    const line = matches.get(i);
    if (line !== undefined) ids.plan_id = String(planRows[line]!.values.plan_id);
    out.add(purchase!, 'P10', p, null, ids, fenToYuanString(split.get(i)! as Fen), `>= ${fenToYuanString(threshold as Fen)}`);
  }

  // P11: plan lines of the as-of year without any matched purchase by the as-of date.
  const executed = new Set(matches.values());
  planRows.forEach((l, k) => {
    if (!l.valid || l.values.year !== year || executed.has(k)) return;
    out.add(plan!, 'P11', l, null, { plan_id: String(l.values.plan_id) });
  });

  return { findings: out.list, matches };
}
