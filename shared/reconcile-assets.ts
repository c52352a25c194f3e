/**
 * Purchase ↔ asset register reconciliation (rules.md, A01–A07): every capitalised unit carded,
 * cards pointing at real purchases, events at real assets, nothing happening after disposal.
 */
import { Finding } from './findings';
import { LedgerRow, ValidatedLedger } from './validate';
import { Fen, fenToYuanString } from './money';
import { ReferenceData } from './reference';
import { RuleFindings, RuleOptions, byDate, firstValidById, idsCarried, idsOf, number, pushTo, takingPart, text } from './rule-findings';

const PURCHASE_IDS = ['purchase_id', 'plan_id'];
const ASSET_IDS = ['asset_id', 'purchase_id'];
const ACTIVE_STATUSES = new Set(['in_use', 'repair', 'idle', 'lent']);

/** Catalogue names → codes, 2022's first, per reference data (built once per reference object). */
const CODES_BY_NAME = new WeakMap<ReferenceData, Map<string, { code: string; catalogue: '2022' | '2013' }>>();

/**
 * The item code a purchase is judged by for capitalisation and P08 (rules.md): its own, else the
 * code of the catalogue entry (either version, 2022's first) whose name is its trimmed item name.
 */
export function catalogueItem(r: LedgerRow, ref: ReferenceData): { code: string; catalogue?: '2022' | '2013' } | null {
  const own = text(r.values.item_code);
  if (own !== null) return { code: own };
  const name = text(r.values.item_name)?.trim();
  if (!name) return null;
  let byName = CODES_BY_NAME.get(ref);
  if (!byName) {
    byName = new Map();
    for (const [catalogue, entries] of [['2013', ref.catalogue_2013], ['2022', ref.catalogue_2022]] as const) {
      for (const [code, n] of Object.entries(entries)) byName.set(n.trim(), { code, catalogue });
    }
    CODES_BY_NAME.set(ref, byName);
  }
  return byName.get(name) ?? null;
}

/**
 * Goods (an `A` item code, its own or by its catalogue name) bought at or above the capitalisation
 * threshold per unit; with neither a code nor a catalogue name, a purchase some asset card names.
 */
export function isCapitalised(r: LedgerRow, ref: ReferenceData, carded: (purchaseId: string) => boolean): boolean {
  const item = catalogueItem(r, ref);
  if (item === null) {
    const id = text(r.values.purchase_id);
    return id !== null && carded(id);
  }
  const price = number(r.values.unit_price);
  return item.code.startsWith('A') && price !== null && price >= ref.thresholds.capitalisation_fen;
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
    if (!isCapitalised(p, o.ref, (id) => cards.has(id))) continue;
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
