/**
 * Budget-execution analysis (analysis.md): the nine tables and their chart specs, computed from
 * validated ledgers and the reconciliation's plan matches. Pure; money exact in fen, written as
 * decimal strings; rates as numbers rounded to four places.
 */
import { Finding, Lang } from './findings';
import { LEDGERS, LedgerKind } from './ledgers';
import { columnLabel } from './column-labels';
import { LedgerRow, ValidatedLedger } from './validate';
import { exactFen, fenFromYuanString, fenToYuanString } from './money';
import { ReferenceData } from './reference';
import { IsoDate } from './dates';
import { ENUMS } from './enums';
import { cardUnits, isCapitalised } from './reconcile-assets';
import { number, pushTo, text } from './rule-findings';

export type TableCell = string | number | boolean | null;

export interface AnalysisTable {
  title: string;
  /** The sheet the table is written to, in the chosen language (a contract). */
  sheet: string;
  columns: string[];
  rows: TableCell[][];
  /**
   * One line saying why the table is empty or which columns were left out (analysis.md "Display"),
   * in the session's language; absent when every column could be filled.
   */
  note?: string;
}

export interface ChartSpec {
  sheet: string;
  type: 'column_clustered' | 'column_stacked' | 'bar_clustered' | 'line' | 'pie';
  title: string;
  category: string;
  series: string[];
  /** Indices into the table's rows that the chart covers. */
  rows: number[];
}

export const TABLE_KEYS = ['summary', 'monthly', 'methods', 'plan_lines', 'findings', 'asset_trace', 'departments', 'expenses', 'forecast'] as const;
export type TableKey = (typeof TABLE_KEYS)[number];

/** Every table's columns in analysis.md's order: what a table leaves out, and the all-units view's order. */
export const TABLE_COLUMNS: Record<TableKey, readonly string[]> = {
  summary: ['item_code', 'item_name', 'plan_qty', 'plan_amount', 'exec_qty', 'exec_amount', 'paid_amount', 'remaining_amount', 'exec_rate', 'savings_rate'],
  monthly: ['month', 'exec_amount', 'cumulative_amount', 'cumulative_rate', 'time_progress', 'gap'],
  methods: ['method', 'purchase_count', 'exec_amount', 'share', 'plan_amount'],
  plan_lines: ['plan_id', 'department', 'item_code', 'item_name', 'method', 'plan_qty', 'plan_unit_price', 'plan_amount', 'exec_qty', 'exec_amount', 'remaining_qty', 'remaining_amount', 'status'],
  findings: ['severity', 'code', 'ledger', 'sheet', 'row', 'column', 'ids', 'value', 'expected', 'message'],
  asset_trace: ['purchase_id', 'item_code', 'item_name', 'date', 'quantity', 'cards', 'cards_value', ...Object.keys(ENUMS.asset_status), 'repair_events', 'repair_cost', 'last_event_date'],
  departments: ['department', 'plan_amount', 'exec_amount', 'exec_rate', 'expense_amount', 'budget_amount', 'expense_rate', 'prev_exec_amount', 'prev_expense_amount', 'yoy_exec', 'yoy_expense'],
  expenses: ['econ_class', 'econ_name', 'department', 'budget_amount', 'spent_amount', 'rate', 'remaining_amount', 'sangong'],
  forecast: ['item_code', 'item_name', 'exec_y_minus_2', 'exec_y_minus_1', 'exec_y', 'trend_next', 'assets_due', 'replacement_amount', 'suggested_amount', 'basis'],
};


export interface Analysis {
  as_of: IsoDate;
  tables: Record<TableKey, AnalysisTable>;
  charts: ChartSpec[];
}

const SHEETS: Record<TableKey, [string, string]> = {
  summary: ['执行总览', 'Summary'],
  monthly: ['月度执行', 'Monthly'],
  methods: ['采购方式', 'Methods'],
  plan_lines: ['计划明细', 'Plan lines'],
  findings: ['异常清单', 'Findings'],
  asset_trace: ['资产追溯', 'Asset trace'],
  departments: ['部门对比', 'Departments'],
  expenses: ['支出执行', 'Expenses'],
  forecast: ['预算建议', 'Next-year budget'],
};

export function sheetName(key: TableKey, lang: Lang): string {
  return SHEETS[key][lang === 'zh' ? 0 : 1];
}

export interface AnalysisInput {
  ledgers: Partial<Record<LedgerKind, ValidatedLedger>>;
  /** Valid purchase row index → plan row index (reconcilePurchases). */
  matches: Map<number, number>;
  findings: Finding[];
  asOf: IsoDate;
  ref: ReferenceData;
  lang: Lang;
  /**
   * The prior year's ledgers as of the same month, where they are kept apart from this year's (the
   * service's snapshots of that period); used only when the ledgers above hold no prior-year rows.
   */
  prior?: { ledgers: Partial<Record<LedgerKind, ValidatedLedger>>; matches: Map<number, number> };
}

/** Every money figure of a table passes exactFen: a sum past 2^53 fen is refused, not shown inexact. */
const money = (fen: number): string => fenToYuanString(exactFen(fen));
const rate = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);
const amountOf = (r: LedgerRow): number => number(r.values.amount) ?? 0;
const qtyOf = (r: LedgerRow): number => number(r.values.quantity) ?? 0;
const itemKey = (r: LedgerRow): string => text(r.values.item_code) ?? `name:${text(r.values.item_name) ?? ''}`;

function add<K>(m: Map<K, number>, k: K, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

export function analyse(input: AnalysisInput): Analysis {
  const { ledgers, matches, asOf, ref, lang } = input;
  const zh = lang === 'zh';
  const year = +asOf.slice(0, 4);
  const month = +asOf.slice(5, 7);
  const plans = ledgers.plan?.rows ?? [];
  const purchases = ledgers.purchase?.rows ?? [];
  const expenses = (ledgers.expense?.rows ?? []).filter((e) => e.valid && String(e.values.date) <= asOf);

  // Plan lines of the year, and the purchases executed against them.
  const lines = plans.map((r, i) => [r, i] as const).filter(([r]) => r.valid && r.values.year === year);
  const lineSet = new Set(lines.map(([, i]) => i));
  const executed: [LedgerRow, LedgerRow][] = [];
  for (const [pi, li] of matches) {
    const p = purchases[pi]!;
    if (lineSet.has(li) && String(p.values.date) <= asOf) executed.push([p, plans[li]!]);
  }
  const executedIds = new Set(executed.map(([p]) => text(p.values.purchase_id)).filter((x): x is string => x !== null));
  const paidBy = new Map<string, number>();
  for (const e of expenses) {
    const pid = text(e.values.purchase_id);
    if (pid !== null && executedIds.has(pid)) add(paidBy, pid, amountOf(e));
  }

  const tables = {} as Record<TableKey, AnalysisTable>;
  const table = (key: TableKey, titleZh: string, titleEn: string, columns: readonly string[], rows: TableCell[][]) => {
    tables[key] = { title: zh ? titleZh : titleEn, sheet: sheetName(key, lang), columns: [...columns], rows };
  };

  // summary — one row per item of the plan, then the total.
  {
    type Acc = { code: string | null; name: string | null; planQty: number; plan: number; qty: number; exec: number; paid: number; atPlanPrice: number };
    const items = new Map<string, Acc>();
    const acc = (l: LedgerRow) => {
      const k = itemKey(l);
      let a = items.get(k);
      if (!a) items.set(k, (a = { code: text(l.values.item_code), name: text(l.values.item_name), planQty: 0, plan: 0, qty: 0, exec: 0, paid: 0, atPlanPrice: 0 }));
      return a;
    };
    for (const [l] of lines) {
      const a = acc(l);
      a.planQty += qtyOf(l);
      a.plan += amountOf(l);
    }
    for (const [p, l] of executed) {
      const a = acc(l);
      a.qty += qtyOf(p);
      a.exec += amountOf(p);
      a.paid += paidBy.get(text(p.values.purchase_id) ?? '') ?? 0;
      a.atPlanPrice += Math.round(qtyOf(p) * (number(l.values.unit_price) ?? 0));
    }
    const total: Acc = { code: null, name: zh ? '合计' : 'Total', planQty: 0, plan: 0, qty: 0, exec: 0, paid: 0, atPlanPrice: 0 };
    const row = (a: Acc): TableCell[] => [
      a.code, a.name, a.planQty, money(a.plan), a.qty, money(a.exec), money(a.paid), money(a.plan - a.exec),
      rate(a.exec, a.plan), a.atPlanPrice === 0 ? null : rate(a.atPlanPrice - a.exec, a.atPlanPrice),
    ];
    const rows = [...items.values()].sort((a, b) => b.plan - a.plan).map((a) => {
      for (const k of ['planQty', 'plan', 'qty', 'exec', 'paid', 'atPlanPrice'] as const) total[k] += a[k];
      return row(a);
    });
    rows.push(row(total));
    table('summary', '执行总览', 'Summary', TABLE_COLUMNS.summary, rows);
  }

  // monthly — cumulative execution against 序时进度.
  {
    const yearPlan = lines.reduce((s, [l]) => s + amountOf(l), 0);
    const byMonth = new Map<number, number>();
    for (const [p] of executed) {
      const d = String(p.values.date);
      add(byMonth, +d.slice(0, 4) < year ? 0 : +d.slice(5, 7), amountOf(p));
    }
    const rows: TableCell[][] = [];
    let cumulative = 0;
    for (let m = byMonth.has(0) ? 0 : 1; m <= month; m++) {
      cumulative += byMonth.get(m) ?? 0;
      const cumRate = rate(cumulative, yearPlan);
      const progress = Math.round((m / 12) * 10_000) / 10_000;
      rows.push([m, money(byMonth.get(m) ?? 0), money(cumulative), cumRate, progress, cumRate === null ? null : Math.round((cumRate - progress) * 10_000) / 10_000]);
    }
    table('monthly', '月度执行', 'Monthly', TABLE_COLUMNS.monthly, rows);
  }

  // methods — the methods used by executed purchases.
  {
    const count = new Map<string, number>();
    const amount = new Map<string, number>();
    const planned = new Map<string, number>();
    for (const [p] of executed) {
      add(count, String(p.values.method), 1);
      add(amount, String(p.values.method), amountOf(p));
    }
    for (const [l] of lines) add(planned, String(l.values.method), amountOf(l));
    const totalExec = [...amount.values()].reduce((a, b) => a + b, 0);
    const rows = [...count.keys()]
      .sort((a, b) => amount.get(b)! - amount.get(a)! || a.localeCompare(b))
      .map((m) => [m, count.get(m)!, money(amount.get(m)!), rate(amount.get(m)!, totalExec), money(planned.get(m) ?? 0)]);
    table('methods', '采购方式', 'Methods', TABLE_COLUMNS.methods, rows);
  }

  // plan_lines — each line's execution and status.
  {
    const qty = new Map<LedgerRow, number>();
    const amt = new Map<LedgerRow, number>();
    for (const [p, l] of executed) {
      add(qty, l, qtyOf(p));
      add(amt, l, amountOf(p));
    }
    const rows = lines.map(([l]) => {
      const pq = qtyOf(l);
      const pa = amountOf(l);
      const eq = qty.get(l) ?? 0;
      const ea = amt.get(l) ?? 0;
      const status = !qty.has(l) ? 'not_started' : eq > pq || ea > pa ? 'over_plan' : eq === pq && ea <= pa ? 'completed' : 'in_progress';
      return [
        String(l.values.plan_id), text(l.values.department), text(l.values.item_code), text(l.values.item_name), String(l.values.method),
        pq, money(number(l.values.unit_price) ?? 0), money(pa), eq, money(ea), pq - eq, money(pa - ea), status,
      ];
    });
    table('plan_lines', '计划明细', 'Plan lines', TABLE_COLUMNS.plan_lines, rows);
  }

  // findings — errors, warnings, info; within each by ledger and row.
  {
    const sev = { error: 0, warning: 1, info: 2 } as const;
    const rows = [...input.findings]
      .sort((a, b) => sev[a.severity] - sev[b.severity] || (a.ledger ?? '').localeCompare(b.ledger ?? '') || (a.sheet ?? '').localeCompare(b.sheet ?? '') || (a.row ?? 0) - (b.row ?? 0))
      .map((f) => [
        f.severity, f.code, f.ledger ?? null, f.sheet ?? null, f.row ?? null, f.column ?? null,
        f.ids ? Object.entries(f.ids).map(([k, v]) => `${k}=${v}`).join(', ') : null, f.value ?? null, f.expected ?? null, f.message,
      ]);
    table('findings', '异常清单', 'Findings', TABLE_COLUMNS.findings, rows);
  }

  // asset_trace — every capitalised purchase, its cards and what happened to them.
  {
    const statuses = Object.keys(ENUMS.asset_status);
    const cards = new Map<string, LedgerRow[]>();
    for (const a of ledgers.asset?.rows ?? []) {
      const pid = text(a.values.purchase_id);
      if (a.valid && pid !== null) pushTo(cards, pid, a);
    }
    const events = new Map<string, LedgerRow[]>();
    for (const e of ledgers.asset_event?.rows ?? []) {
      const id = text(e.values.asset_id);
      if (e.valid && id !== null && String(e.values.date) <= asOf) pushTo(events, id, e);
    }
    const rows: TableCell[][] = [];
    for (const p of purchases) {
      if (!p.valid || String(p.values.date) > asOf || !isCapitalised(p, ref, (id) => cards.has(id))) continue;
      const mine = cards.get(text(p.values.purchase_id) ?? '') ?? [];
      const counts = statuses.map((s) => mine.filter((a) => a.values.status === s).reduce((n, a) => n + cardUnits(a), 0));
      const evs = mine.flatMap((a) => events.get(text(a.values.asset_id) ?? '') ?? []);
      const repairs = evs.filter((e) => e.values.event === 'repair');
      const last = evs.map((e) => String(e.values.date)).sort().pop() ?? null;
      rows.push([
        text(p.values.purchase_id), text(p.values.item_code), text(p.values.item_name), String(p.values.date), qtyOf(p), mine.reduce((n, a) => n + cardUnits(a), 0),
        money(mine.reduce((s, a) => s + (number(a.values.value) ?? 0), 0)), ...counts, repairs.length,
        money(repairs.reduce((s, e) => s + (number(e.values.cost) ?? 0), 0)), last,
      ]);
    }
    table('asset_trace', '资产追溯', 'Asset trace', TABLE_COLUMNS.asset_trace, rows);
  }

  // departments — plan, execution, spending and budget by department, beside the prior year's.
  const prior = priorYear(input, year);
  {
    const blank = zh ? '未填部门' : '(no department)';
    const dept = (r: LedgerRow) => text(r.values.department) ?? blank;
    const plan = new Map<string, number>();
    const exec = new Map<string, number>();
    const spent = new Map<string, number>();
    const budget = new Map<string, number>();
    for (const [l] of lines) add(plan, dept(l), amountOf(l));
    for (const [p, l] of executed) add(exec, text(p.values.department) ?? dept(l), amountOf(p));
    for (const e of expenses) if (String(e.values.date).startsWith(String(year))) add(spent, dept(e), amountOf(e));
    for (const b of ledgers.budget?.rows ?? []) if (b.valid && b.values.year === year) add(budget, dept(b), amountOf(b));
    const prevExec = prior.exec && byDepartment(prior.exec, blank);
    const prevSpent = prior.spent && byDepartment(prior.spent, blank);
    const names = [...new Set([...plan.keys(), ...exec.keys(), ...spent.keys(), ...budget.keys(), ...(prevExec?.keys() ?? []), ...(prevSpent?.keys() ?? [])])].sort((a, b) => a.localeCompare(b, 'zh'));
    const yoy = (now: number, before: Map<string, number> | null, d: string) => (before ? rate(now - (before.get(d) ?? 0), before.get(d) ?? 0) : null);
    const rows = names.map((d) => [
      d, money(plan.get(d) ?? 0), money(exec.get(d) ?? 0), rate(exec.get(d) ?? 0, plan.get(d) ?? 0), money(spent.get(d) ?? 0),
      money(budget.get(d) ?? 0), rate(spent.get(d) ?? 0, budget.get(d) ?? 0),
      prevExec ? money(prevExec.get(d) ?? 0) : null, prevSpent ? money(prevSpent.get(d) ?? 0) : null,
      yoy(exec.get(d) ?? 0, prevExec, d), yoy(spent.get(d) ?? 0, prevSpent, d),
    ]);
    table('departments', '部门对比', 'Departments', TABLE_COLUMNS.departments, rows);
  }

  // expenses — econ class × department, with a subtotal per class.
  {
    const blank = zh ? '未填部门' : '(no department)';
    const budget = new Map<string, number>();
    const spent = new Map<string, number>();
    const key = (cls: string, d: string) => `${cls}\u0000${d}`;
    for (const b of ledgers.budget?.rows ?? []) if (b.valid && b.values.year === year) add(budget, key(String(b.values.econ_class), text(b.values.department) ?? blank), amountOf(b));
    for (const e of expenses) if (String(e.values.date).startsWith(String(year))) add(spent, key(String(e.values.econ_class), text(e.values.department) ?? blank), amountOf(e));
    const keys = [...new Set([...budget.keys(), ...spent.keys()])].sort();
    const sangong = new Set(ref.sangong_classes);
    const rows: TableCell[][] = [];
    let cls: string | null = null;
    let sb = 0;
    let ss = 0;
    const subtotal = () => {
      if (cls === null) return;
      rows.push([cls, ref.econ_classes[cls] ?? null, zh ? '小计' : 'Subtotal', money(sb), money(ss), rate(ss, sb), money(sb - ss), sangong.has(cls)]);
    };
    for (const k of keys) {
      const [c, d] = k.split('\u0000') as [string, string];
      if (c !== cls) {
        subtotal();
        cls = c;
        sb = 0;
        ss = 0;
      }
      const b = budget.get(k) ?? 0;
      const s = spent.get(k) ?? 0;
      sb += b;
      ss += s;
      rows.push([c, ref.econ_classes[c] ?? null, d, money(b), money(s), rate(s, b), money(b - s), sangong.has(c)]);
    }
    subtotal();
    table('expenses', '支出执行', 'Expenses', TABLE_COLUMNS.expenses, rows);
  }

  // forecast — next year's budget suggestion per item.
  /** The years before this one with purchases read: a year with none is not a year of 0 (its columns are left out). */
  const earlierYears = new Set<number>();
  {
    type Item = { code: string | null; name: string | null; byYear: Map<number, number>; prices: number[]; plan: number | null };
    const items = new Map<string, Item>();
    const item = (r: LedgerRow) => {
      const k = itemKey(r);
      let it = items.get(k);
      if (!it) items.set(k, (it = { code: text(r.values.item_code), name: text(r.values.item_name), byYear: new Map(), prices: [], plan: null }));
      return it;
    };
    for (const p of purchases) {
      if (!p.valid || String(p.values.date) > asOf) continue;
      const y = +String(p.values.date).slice(0, 4);
      if (y < year - 2) continue;
      if (y < year) earlierYears.add(y);
      const it = item(p);
      add(it.byYear, y, amountOf(p));
      if (y === year && number(p.values.unit_price) !== null) it.prices.push(p.values.unit_price as number);
    }
    for (const [l] of lines) {
      const it = item(l);
      it.plan = (it.plan ?? 0) + amountOf(l);
    }
    const lifeOf = (code: string | null) => ref.useful_life_years.find((u) => (code ?? '').startsWith(u.prefix))?.years ?? 6;
    const median = (xs: number[]) => {
      if (xs.length === 0) return null;
      const s = [...xs].sort((a, b) => a - b);
      const m = Math.floor(s.length / 2);
      return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
    };
    const endOfNext = `${year + 1}-12-31`;
    const rows = [...items.values()].map((it) => {
      const y2 = it.byYear.get(year - 2) ?? 0;
      const y1 = it.byYear.get(year - 1) ?? 0;
      // The year's expected amount: what its plan says, or what was bought if more (or if unplanned).
      // Never annualised: a purchase is one-off, so January's 365,000 is not 730,000 by June.
      const executed = it.byYear.get(year) ?? 0;
      const y0 = it.plan === null ? executed : Math.max(executed, it.plan);
      const fromPlan = it.plan !== null && it.plan >= executed;
      // The trend runs through the years the item was bought: a first purchase this year is not
      // a rise from 0 to double next year (the sheet still shows that year's 0.00 where it was read).
      const points = [[year - 2, y2], [year - 1, y1], [year, y0]].filter(([y]) => it.byYear.has(y!) || y === year) as [number, number][];
      const trend = Math.max(0, Math.round(leastSquaresAt(points, year + 1)));
      const due = (ledgers.asset?.rows ?? []).filter((a) => {
        if (!a.valid || text(a.values.item_code) !== it.code || it.code === null || a.values.status !== 'in_use') return false;
        const acquired = String(a.values.acquired_date);
        const life = lifeOf(it.code);
        return `${+acquired.slice(0, 4) + life}${acquired.slice(4)}` <= endOfNext;
      });
      const dueUnits = due.reduce((n, a) => n + cardUnits(a), 0);
      const unit = median(it.prices) ?? median(due.map((a) => Math.round((number(a.values.value) ?? 0) / cardUnits(a)))) ?? 0;
      const replacement = dueUnits * unit;
      const suggested = Math.ceil(Math.max(trend, replacement) / 10_000) * 10_000;
      // Which figure gave the suggestion: the asset renewal, the plan (a trend of this year alone is
      // its expected amount), or the trend over the years there are.
      const basis = replacement > trend ? 'renewal' : points.length === 1 && fromPlan ? 'plan' : `trend_${points.length}y`;
      return [it.code, it.name, money(y2), money(y1), money(y0), money(trend), dueUnits, money(replacement), money(suggested), basis];
    });
    table('forecast', '预算建议', 'Next-year budget', TABLE_COLUMNS.forecast, rows);
  }

  fitToWhatWasRead(tables, readKinds(ledgers), prior, earlierYears, { year, asOf, lang });
  return { as_of: asOf, tables, charts: chartSpecs(tables, lang) };
}

type Amounts = [department: string | null, fen: number][];

/**
 * The prior year's execution and spending as of the same day a year before, from its rows among
 * the ledgers read (else the prior-year ledgers given): null for a part with no prior-year rows,
 * so a column that cannot be filled is left out rather than shown as 0.
 */
function priorYear(input: AnalysisInput, year: number): { exec: Amounts | null; spent: Amounts | null } {
  // A string bound, so 29 February falls back on the 28th of a common year by itself.
  const until = `${year - 1}${input.asOf.slice(4)}`;
  const from = (ledgers: AnalysisInput['ledgers'], matches: Map<number, number>) => {
    const plans = ledgers.plan?.rows ?? [];
    const purchases = ledgers.purchase?.rows ?? [];
    const lines = new Set(plans.map((r, i) => [r, i] as const).filter(([r]) => r.valid && r.values.year === year - 1).map(([, i]) => i));
    let exec: Amounts | null = null;
    if (lines.size > 0 && ledgers.purchase) {
      exec = [];
      for (const [pi, li] of matches) {
        const p = purchases[pi];
        if (p?.valid && lines.has(li) && String(p.values.date) <= until) exec.push([text(p.values.department) ?? text(plans[li]!.values.department), amountOf(p)]);
      }
    }
    const ofYear = (ledgers.expense?.rows ?? []).filter((e) => e.valid && String(e.values.date).startsWith(`${year - 1}-`));
    const spent: Amounts | null = ofYear.length > 0 ? ofYear.filter((e) => String(e.values.date) <= until).map((e) => [text(e.values.department), amountOf(e)]) : null;
    return { exec, spent };
  };
  const own = from(input.ledgers, input.matches);
  const kept = input.prior ? from(input.prior.ledgers, input.prior.matches) : { exec: null, spent: null };
  return { exec: own.exec ?? kept.exec, spent: own.spent ?? kept.spent };
}

function byDepartment(amounts: Amounts, blank: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const [d, fen] of amounts) add(m, d ?? blank, fen);
  return m;
}

const readKinds = (ledgers: AnalysisInput['ledgers']) => new Set((Object.keys(ledgers) as LedgerKind[]).filter((k) => ledgers[k] !== undefined));

/** Tables that mean nothing without each of these ledgers: emptied, with a note, when one was not read. */
const TABLE_NEEDS: Partial<Record<TableKey, LedgerKind[]>> = {
  summary: ['plan'],
  plan_lines: ['plan'],
  monthly: ['plan', 'purchase'],
  methods: ['plan', 'purchase'],
  asset_trace: ['purchase'],
};
/** Tables that need at least one of these ledgers. */
const TABLE_NEEDS_ANY: Partial<Record<TableKey, LedgerKind[]>> = {
  departments: ['plan', 'expense', 'budget'],
  expenses: ['budget', 'expense'],
  forecast: ['plan', 'purchase'],
};
const ASSET_STATUS_COLUMNS = Object.keys(ENUMS.asset_status);
/** Columns that can never be filled when one of these ledgers was not read: left out (analysis.md "Display"). */
const COLUMN_NEEDS: Partial<Record<TableKey, Record<string, LedgerKind[]>>> = {
  summary: { exec_qty: ['purchase'], exec_amount: ['purchase'], paid_amount: ['purchase', 'expense'], remaining_amount: ['purchase'], exec_rate: ['purchase'], savings_rate: ['purchase'] },
  plan_lines: { exec_qty: ['purchase'], exec_amount: ['purchase'], remaining_qty: ['purchase'], remaining_amount: ['purchase'], status: ['purchase'] },
  asset_trace: {
    ...Object.fromEntries(['cards', 'cards_value', ...ASSET_STATUS_COLUMNS].map((c) => [c, ['asset'] as LedgerKind[]])),
    repair_events: ['asset', 'asset_event'], repair_cost: ['asset', 'asset_event'], last_event_date: ['asset', 'asset_event'],
  },
  departments: {
    plan_amount: ['plan'], exec_amount: ['plan', 'purchase'], exec_rate: ['plan', 'purchase'], expense_amount: ['expense'], budget_amount: ['budget'], expense_rate: ['expense', 'budget'],
    // This year's side of a comparison: without it a prior year from the snapshots would read as −100 %.
    prev_exec_amount: ['plan', 'purchase'], yoy_exec: ['plan', 'purchase'], prev_expense_amount: ['expense'], yoy_expense: ['expense'],
  },
  expenses: { budget_amount: ['budget'], spent_amount: ['expense'], rate: ['budget', 'expense'], remaining_amount: ['budget', 'expense'] },
  forecast: { exec_y_minus_2: ['purchase'], exec_y_minus_1: ['purchase'], assets_due: ['asset'], replacement_amount: ['asset'] },
};

const ledgerWord = (k: LedgerKind, lang: Lang) => (lang === 'zh' ? LEDGERS[k].zh : LEDGER_EN[k]);
const LEDGER_EN: Record<LedgerKind, string> = { plan: 'procurement plan', purchase: 'purchase', asset: 'fixed-asset', asset_event: 'asset event', expense: 'expense', budget: 'budget' };

function notRead(kinds: LedgerKind[], lang: Lang): string {
  return lang === 'zh' ? `未读到${kinds.map((k) => ledgerWord(k, lang)).join('、')}` : `no ${kinds.map((k) => ledgerWord(k, lang)).join(' or ')} ledger was read`;
}

/**
 * Each table as far as the ledgers read can fill it: a table whose ledgers were not read is empty,
 * columns that can never be filled are left out, and the table's note says why in the clerk's words.
 */
function fitToWhatWasRead(tables: Record<TableKey, AnalysisTable>, read: Set<LedgerKind>, prior: { exec: Amounts | null; spent: Amounts | null }, earlierYears: Set<number>, ctx: { year: number; asOf: IsoDate; lang: Lang }): void {
  const zh = ctx.lang === 'zh';
  for (const key of TABLE_KEYS) {
    const t = tables[key];
    const missingAll = (TABLE_NEEDS[key] ?? []).filter((k) => !read.has(k));
    const any = TABLE_NEEDS_ANY[key];
    const missing = missingAll.length > 0 ? missingAll : any && !any.some((k) => read.has(k)) ? any : [];
    if (missing.length > 0) {
      t.rows = [];
      t.note = zh ? `${notRead(missing, ctx.lang)}，本表无数据` : `${notRead(missing, ctx.lang)}: nothing to show`;
      continue;
    }
    // Columns left out, grouped under the first ledger each lacks (one reason is enough to say).
    const out = new Map<string, string[]>();
    for (const [column, needs] of Object.entries(COLUMN_NEEDS[key] ?? {})) {
      const lacking = needs.find((k) => !read.has(k));
      if (lacking && t.columns.includes(column)) pushTo(out, notRead([lacking], ctx.lang), column);
    }
    const notes: string[] = [];
    for (const [why, columns] of out) notes.push(zh ? `${why}：${columns.map((c) => columnLabel(c, ctx.lang)).join('、')}未列出` : `${why}: ${columns.map((c) => columnLabel(c, ctx.lang)).join(', ')} left out`);
    const dropped = [...out.values()].flat();
    if (key === 'departments') {
      // Said once: a side already left out for a ledger not read needs no "no prior year" besides.
      const noExec = prior.exec === null && !dropped.includes('prev_exec_amount');
      const noSpent = prior.spent === null && !dropped.includes('prev_expense_amount');
      if (noExec) dropped.push('prev_exec_amount', 'yoy_exec');
      if (noSpent) dropped.push('prev_expense_amount', 'yoy_expense');
      if (noExec || noSpent) {
        const what = noExec && noSpent ? '' : noExec ? (zh ? '采购执行' : 'purchase ') : zh ? '支出' : 'spending ';
        notes.push(zh ? `无上年同期${what}数据` : `no prior-year ${what}figures for the same months`);
      }
    }
    if (key === 'forecast' && read.has('purchase')) {
      // A year with no purchase read says nothing of that year: its column is left out, and the trend drawn over the years there are.
      const lacking = ([[2, 'exec_y_minus_2'], [1, 'exec_y_minus_1']] as const).filter(([back]) => !earlierYears.has(ctx.year - back));
      if (lacking.length > 0) {
        dropped.push(...lacking.map(([, c]) => c));
        const years = lacking.map(([back]) => ctx.year - back).join(zh ? '、' : ' and ');
        const columns = lacking.map(([, c]) => columnLabel(c, ctx.lang)).join(zh ? '、' : ', ');
        notes.push(zh ? `未读到 ${years} 年的采购执行：${columns}未列出` : `no purchases of ${years} were read: ${columns} left out`);
      }
    }
    dropColumns(t, dropped);
    if (t.rows.length === 0) notes.unshift(key === 'findings' ? (zh ? '未发现问题' : 'no findings') : zh ? `截至 ${ctx.asOf} 没有 ${ctx.year} 年的相关数据` : `nothing for ${ctx.year} up to ${ctx.asOf}`);
    if (notes.length > 0) t.note = notes.join(zh ? '；' : '; ');
  }
}

function dropColumns(t: AnalysisTable, columns: string[]): void {
  const gone = new Set(columns.map((c) => t.columns.indexOf(c)).filter((j) => j >= 0));
  if (gone.size === 0) return;
  const keep = (_: unknown, j: number) => !gone.has(j);
  t.columns = t.columns.filter(keep);
  t.rows = t.rows.map((r) => r.filter(keep));
}

/** Least-squares line through (year, amount) points, read at x; a single point is flat. */
function leastSquaresAt(points: [number, number][], x: number): number {
  if (points.length === 1) return points[0]![1];
  const n = points.length;
  const mx = points.reduce((s, [a]) => s + a, 0) / n;
  const my = points.reduce((s, [, b]) => s + b, 0) / n;
  const sxx = points.reduce((s, [a]) => s + (a - mx) ** 2, 0);
  const sxy = points.reduce((s, [a, b]) => s + (a - mx) * (b - my), 0);
  return my + (sxx === 0 ? 0 : (sxy / sxx) * (x - mx));
}

function topBy(t: AnalysisTable, column: string, n: number, exclude: (r: TableCell[]) => boolean = () => false): number[] {
  const c = t.columns.indexOf(column);
  return t.rows
    .map((r, i) => [r, i] as const)
    .filter(([r]) => !exclude(r))
    .sort((a, b) => Number(b[0][c]) - Number(a[0][c]))
    .slice(0, n)
    .map(([, i]) => i)
    .sort((a, b) => a - b);
}

const TOTAL_LABELS = new Set(['合计', '小计', 'Total', 'Subtotal']);

/** Chart specs over the tables; columns found by name, so a leading `unit` column (all units) changes nothing. */
function chartSpecs(t: Record<TableKey, AnalysisTable>, lang: Lang): ChartSpec[] {
  const zh = lang === 'zh';
  const all = (key: TableKey) => t[key].rows.map((_, i) => i);
  const col = (key: TableKey, name: string) => t[key].columns.indexOf(name);
  const isTotal = (r: TableCell[]) => TOTAL_LABELS.has(String(r[col('summary', 'item_name')]));
  const subtotal = zh ? '小计' : 'Subtotal';
  const specs: ChartSpec[] = [
    { sheet: t.summary.sheet, type: 'column_clustered', title: zh ? '计划与执行' : 'Plan and execution', category: 'item_name', series: ['plan_amount', 'exec_amount'], rows: topBy(t.summary, 'plan_amount', 10, isTotal) },
    { sheet: t.monthly.sheet, type: 'line', title: zh ? '累计执行进度' : 'Cumulative execution', category: 'month', series: ['cumulative_rate', 'time_progress'], rows: all('monthly') },
    { sheet: t.methods.sheet, type: 'pie', title: zh ? '采购方式构成' : 'Methods', category: 'method', series: ['exec_amount'], rows: all('methods') },
    { sheet: t.asset_trace.sheet, type: 'column_stacked', title: zh ? '资产状态' : 'Asset status', category: 'purchase_id', series: ['in_use', 'repair', 'idle', 'lent', 'transferred', 'pending_disposal', 'disposed'], rows: topBy(t.asset_trace, 'cards', 10) },
    { sheet: t.departments.sheet, type: 'bar_clustered', title: zh ? '部门执行率' : 'Execution by department', category: 'department', series: ['exec_rate', 'expense_rate'], rows: all('departments') },
    { sheet: t.expenses.sheet, type: 'column_clustered', title: zh ? '预算与支出' : 'Budget and spending', category: 'econ_class', series: ['budget_amount', 'spent_amount'], rows: t.expenses.rows.map((r, i) => [r, i] as const).filter(([r]) => r[col('expenses', 'department')] === subtotal).map(([, i]) => i) },
  ];
  // A chart keeps the series its table still has (columns left out for a ledger not read).
  const columnsOf = new Map(TABLE_KEYS.map((k) => [t[k].sheet, t[k].columns] as const));
  return specs
    .map((c) => ({ ...c, series: c.series.filter((name) => columnsOf.get(c.sheet)!.includes(name)) }))
    .filter((c) => c.series.length > 0 && columnsOf.get(c.sheet)!.includes(c.category));
}

/**
 * The analysis of several units as one (a reviewer's view of all units): every table gains a
 * leading `unit` column; each unit's summary total becomes its subtotal (小计), and a total over
 * all units ends the summary. Charts are made again over the merged tables.
 */
export function mergeUnitAnalyses(parts: { unit: string; analysis: Analysis }[], asOf: IsoDate, lang: Lang): Analysis {
  const zh = lang === 'zh';
  const tables = {} as Record<TableKey, AnalysisTable>;
  for (const key of TABLE_KEYS) {
    const first = parts[0]?.analysis.tables[key];
    // Units read different ledgers, so each may have left out other columns: all units' columns, in order.
    const columns = ['unit', ...unionInOrder(TABLE_COLUMNS[key], parts.map((p) => p.analysis.tables[key].columns))];
    const rows: TableCell[][] = [];
    for (const p of parts) {
      const t = p.analysis.tables[key];
      const at = columns.map((c) => t.columns.indexOf(c));
      t.rows.forEach((r, i) => {
        const row: TableCell[] = at.map((j, k) => (k === 0 ? p.unit : j < 0 ? null : r[j]!));
        if (key === 'summary' && i === t.rows.length - 1) row[columns.indexOf('item_name')] = zh ? '小计' : 'Subtotal';
        rows.push(row);
      });
    }
    tables[key] = { title: first?.title ?? sheetName(key, lang), sheet: sheetName(key, lang), columns, rows };
    const notes = parts.filter((p) => p.analysis.tables[key].note).map((p) => [p.unit, p.analysis.tables[key].note!] as const);
    const distinct = new Set(notes.map(([, n]) => n));
    if (distinct.size === 1 && notes.length === parts.length) tables[key].note = notes[0]![1];
    else if (notes.length > 0) tables[key].note = notes.map(([u, n]) => `${u}${zh ? '：' : ': '}${n}`).join(zh ? '；' : '; ');
  }
  const s = tables.summary;
  const c = (name: string) => s.columns.indexOf(name);
  const subtotals = s.rows.filter((r) => r[c('item_name')] === (zh ? '小计' : 'Subtotal'));
  if (subtotals.length > 0) {
    const sumFen = (name: string) => subtotals.reduce((n, r) => n + fenOfYuan(r[c(name)]), 0);
    const sumQty = (name: string) => subtotals.reduce((n, r) => n + (typeof r[c(name)] === 'number' ? (r[c(name)] as number) : 0), 0);
    const plan = sumFen('plan_amount');
    const exec = sumFen('exec_amount');
    const total: TableCell[] = s.columns.map(() => null);
    // Columns every unit left out are not there to total.
    const put = (name: string, v: () => TableCell) => c(name) >= 0 && (total[c(name)] = v());
    put('item_name', () => (zh ? '合计' : 'Total'));
    put('plan_qty', () => sumQty('plan_qty'));
    put('plan_amount', () => money(plan));
    put('exec_qty', () => sumQty('exec_qty'));
    put('exec_amount', () => money(exec));
    put('paid_amount', () => money(sumFen('paid_amount')));
    put('remaining_amount', () => money(sumFen('remaining_amount')));
    put('exec_rate', () => (c('exec_amount') >= 0 ? rate(exec, plan) : null));
    s.rows.push(total);
  }
  return { as_of: asOf, tables, charts: chartSpecs(tables, lang) };
}

/** Lists that are each a subsequence of one order, merged back into that order. */
function unionInOrder(order: readonly string[], lists: string[][]): string[] {
  const all = [...new Set(lists.flat())];
  // analysis.md's order; a column it does not name (none today) after those it does.
  const at = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length + all.indexOf(c));
  return all.sort((a, b) => at(a) - at(b));
}

function fenOfYuan(v: TableCell | undefined): number {
  return typeof v === 'string' && v !== '' ? Number(fenFromYuanString(v) ?? 0) : 0;
}
