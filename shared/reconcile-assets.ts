/**
 * Purchase ↔ asset register reconciliation (rules.md, A01–A07): every capitalised unit carded,
 * cards pointing at real purchases, events at real assets, nothing happening after disposal.
 */
import { Finding } from './findings';
import { LedgerRow, ValidatedLedger } from './validate';
import { Fen, fenToYuanString } from './money';
import { RuleFindings, RuleOptions, byDate, firstValidById, idsCarried, idsOf, number, pushTo, takingPart, text } from './rule-findings';

const PURCHASE_IDS = ['purchase_id', 'plan_id'];
const ASSET_IDS = ['asset_id', 'purchase_id'];
const ACTIVE_STATUSES = new Set(['in_use', 'repair', 'idle', 'lent']);

/** Goods (an `A` item code) bought at or above the capitalisation threshold per unit. */
export function isCapitalised(r: LedgerRow, capitalisationFen: number): boolean {
  const code = text(r.values.item_code);
  const price = number(r.values.unit_price);
  return code !== null && code.startsWith('A') && price !== null && price >= capitalisationFen;
}

export function reconcileAssets(
  purchase: ValidatedLedger | undefined,
  asset: ValidatedLedger | undefined,
  events: ValidatedLedger | undefined,
  o: RuleOptions,
): Finding[] {
  const out = new RuleFindings(o.lang);
  const purchases = purchase?.rows ?? [];
  const assets = asset?.rows ?? [];
  const eventRows = events?.rows ?? [];

  const anyPurchaseId = idsCarried(purchases, 'purchase_id');
  const validPurchase = firstValidById(purchases, 'purchase_id');
  const cards = new Map<string, LedgerRow[]>();
  for (const i of takingPart(assets, o.asOf, null)) {
    const a = assets[i]!;
    const pid = text(a.values.purchase_id);
    if (pid === null) continue;
    pushTo(cards, pid, a);
    if (!anyPurchaseId.has(pid)) out.add(asset!, 'A04', a, 'purchase_id', idsOf(a, ASSET_IDS), pid);
    const p = validPurchase.get(pid);
    const acquired = text(a.values.acquired_date);
    if (p && acquired !== null && acquired < String(p.values.date)) {
      out.add(asset!, 'A05', a, 'acquired_date', idsOf(a, ASSET_IDS), acquired, String(p.values.date));
    }
  }

  // A01–A03 on capitalised purchases up to the as-of date.
  for (const i of takingPart(purchases, o.asOf, 'date')) {
    const p = purchases[i]!;
    if (!isCapitalised(p, o.ref.thresholds.capitalisation_fen)) continue;
    const id = text(p.values.purchase_id);
    const qty = number(p.values.quantity);
    if (id === null || qty === null) continue;
    const mine = cards.get(id) ?? [];
    const ids = idsOf(p, PURCHASE_IDS);
    const units = mine.reduce((s, a) => s + cardUnits(a), 0);
    if (units < qty) out.add(purchase!, 'A01', p, null, ids, String(units), String(qty));
    else if (units > qty) out.add(purchase!, 'A02', p, null, ids, String(units), String(qty));
    else {
      const total = mine.reduce((s, a) => s + (number(a.values.value) ?? 0), 0);
      const amount = number(p.values.amount) ?? 0;
      if (Math.abs(total - amount) > mine.length) out.add(purchase!, 'A03', p, null, ids, fenToYuanString(total as Fen), fenToYuanString(amount as Fen));
    }
  }

  // A06, A07 on events, and A07 on register statuses.
  const register = new Map<string, LedgerRow>();
  const anyAssetId = new Set<string>();
  for (const a of assets) {
    const id = text(a.values.asset_id);
    if (id === null) continue;
    anyAssetId.add(id);
    if (a.valid && !register.has(id)) register.set(id, a);
  }
  const disposedOn = new Map<string, string>();
  const latest = new Map<string, LedgerRow>();
  for (const i of byDate(eventRows, takingPart(eventRows, o.asOf, 'date'), 'date')) {
    const e = eventRows[i]!;
    const id = text(e.values.asset_id);
    if (id === null) continue;
    const ids = idsOf(e, ['asset_id']);
    if (!anyAssetId.has(id)) {
      out.add(events!, 'A06', e, 'asset_id', ids, id);
      continue;
    }
    const date = String(e.values.date);
    const disposal = disposedOn.get(id);
    if (disposal !== undefined && date > disposal) out.add(events!, 'A07', e, null, ids, date, disposal);
    if (e.values.event === 'disposal' && disposal === undefined) disposedOn.set(id, date);
    latest.set(id, e);
  }
  for (const [id, e] of latest) {
    const a = register.get(id);
    const status = a ? text(a.values.status) : null;
    if (a && e.values.event === 'disposal' && status !== null && ACTIVE_STATUSES.has(status)) {
      out.add(asset!, 'A07', a, null, idsOf(a, ASSET_IDS), status, String(e.values.date));
    }
  }
  return out.list;
}

/** The units an asset card stands for: its quantity (ledgers.md), 1 when it gives none. */
export function cardUnits(a: LedgerRow): number {
  const q = a.values.quantity;
  return typeof q === 'number' && q > 0 ? q : 1;
}
