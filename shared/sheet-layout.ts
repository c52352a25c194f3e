/**
 * How an analysis sheet looks (analysis.md): title, as-of line, the Excel table with its formats and
 * totals, and the native chart beside it. Computed here once; the .xlsx writer (cli/) and the
 * add-in's Office.js adapter only apply it, so a sheet looks the same whichever wrote it.
 * Positions are 0-based (row 0 = Excel row 1, col 0 = column A).
 */
import { Analysis, AnalysisTable, ChartSpec, TableCell, TableKey, TABLE_KEYS } from './analysis';
import { ENUMS } from './enums';
import { auditActionText } from './audit-text';
import { Lang } from './findings';
import { LEDGERS, LedgerKind, fieldSpec } from './ledgers';
import { columnLetter } from './workbook';
import { columnLabel } from './column-labels';

/** `flag`: a yes/no column (是/否), centred so that it never runs into the number beside it. */
export type CellFormat = 'text' | 'money' | 'percent' | 'count' | 'quantity' | 'date' | 'flag';

/** Excel number formats of each cell format (analysis.md: money `#,##0.00`, rates `0.0%`). */
export const NUMBER_FORMATS: Record<CellFormat, string> = {
  text: '@',
  money: '#,##0.00',
  percent: '0.0%',
  count: '#,##0',
  quantity: 'General',
  date: 'yyyy-mm-dd',
  flag: '@',
};

/** A value as written: numbers for money (a display boundary: exact decimal strings become the
 * double Excel stores anyway), dates as Excel serials, text possibly needing a guard. */
export type SheetValue = null | number | string | { date: number };

export interface LayoutColumn {
  key: string;
  label: string;
  format: CellFormat;
  width: number;
}

export interface TotalsCell {
  /**
   * `sum` → SUBTOTAL(109, column); `ratio` → the rate of the column's summed numerator and
   * denominator (RATIOS); `value` → a constant already computed by the analysis.
   */
  kind: 'label' | 'sum' | 'ratio' | 'value';
  value: SheetValue;
}

export interface CellRange {
  row: number;
  col: number;
  lastRow: number;
  lastCol: number;
}

export interface ChartLayout {
  type: ChartSpec['type'];
  title: string;
  /** Always explicit (Microsoft's guidance): each series is one column of the source range. */
  seriesBy: 'columns';
  /** Top-left cell and size in cells of the chart's frame. */
  anchor: { row: number; col: number; rows: number; cols: number };
  categories: CellRange;
  series: { name: string; nameCell: CellRange; values: CellRange; format: CellFormat }[];
  /** Cached values for writers that must embed them (the .xlsx chart part). */
  categoryValues: string[];
  seriesValues: (number | null)[][];
}

/** The chart's own data block, when its rows are not one contiguous run of the table. */
export interface ChartDataBlock {
  caption: { row: number; col: number; text: string };
  header: { row: number; col: number; labels: string[] };
  rows: SheetValue[][];
  formats: CellFormat[];
  /** Each column as wide as its widest value, like the table's: no `###` beside the chart. */
  widths: number[];
}

export interface SheetLayout {
  key: SheetKey;
  name: string;
  /** The add-in's mark on its own sheets: a hidden workbook name, so writing again replaces only these. */
  markName: string;
  tableName: string;
  title: { row: number; col: number; text: string };
  subtitle: { row: number; col: number; text: string };
  /** Why the table is empty or lacks columns (analysis.md "Display"), on the line under the subtitle. */
  note: { row: number; col: number; text: string } | null;
  /** Header row of the table; data follows at headerRow + 1. */
  headerRow: number;
  firstCol: number;
  columns: LayoutColumn[];
  /** At least one row: Excel tables cannot be empty, so an empty table gets one blank row. */
  rows: SheetValue[][];
  totals: TotalsCell[] | null;
  /** Rows the table covers, header and totals included. */
  tableRange: CellRange;
  frozenRows: number;
  chart: ChartLayout | null;
  chartData: ChartDataBlock | null;
  /**
   * Cells that jump to another sheet's cell (a finding's source): written as internal hyperlinks
   * where that sheet is in the workbook, as plain text elsewhere.
   */
  links?: { row: number; col: number; sheet: string; cell: string }[];
}

export interface LayoutMeta {
  unit: string;
  /** `YYYY-MM`. */
  period: string;
  asOf: string;
  /** Local time text, passed in: shared code does not read clocks. */
  generatedAt: string;
  lang: Lang;
}

const MARK_PREFIX = '_LedgerSync.';
/** Every sheet ledger-sync writes: the nine analysis sheets, 本月变动 and the audit export. */
export const SHEET_KEYS = [...TABLE_KEYS, 'changes', 'audit'] as const;
export type SheetKey = (typeof SHEET_KEYS)[number];

export const markNameOf = (key: SheetKey): string => MARK_PREFIX + key;
/** The sheet key a workbook name marks, or null for names that are not ours. */
export function keyOfMarkName(name: string): SheetKey | null {
  if (!name.startsWith(MARK_PREFIX)) return null;
  const key = name.slice(MARK_PREFIX.length);
  return (SHEET_KEYS as readonly string[]).includes(key) ? (key as SheetKey) : null;
}

/** The sheet a mark points at: `'执行总览'!$A$1` (or `='…'!$A$1`, as Office.js gives it) → 执行总览. */
export function sheetOfMarkReference(ref: string): string | null {
  const m = /^=?'((?:[^']|'')+)'!|^=?([^'!]+)!/.exec(ref.trim());
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2]!;
}

/** The totals-row formula of column j (no leading `=`): a SUBTOTAL over the table's column, so filters keep it right. */
export function subtotalFormula(l: SheetLayout, j: number): string {
  // In a structured reference ' # [ ] @ are escaped with a quote.
  return `SUBTOTAL(109,${l.tableName}[${l.columns[j]!.label.replace(/(['#\[\]@])/g, "'$1")}])`;
}

/**
 * A rate's total is the rate of the totals, not their sum: numerator and denominator columns, and 1
 * to subtract for a year-on-year change. Only where both columns are in the table.
 */
const RATIOS: Record<string, [num: string, den: string, minus: 0 | 1]> = {
  exec_rate: ['exec_amount', 'plan_amount', 0],
  expense_rate: ['expense_amount', 'budget_amount', 0],
  yoy_exec: ['exec_amount', 'prev_exec_amount', 1],
  yoy_expense: ['expense_amount', 'prev_expense_amount', 1],
};

const ratioOf = (l: Pick<SheetLayout, 'columns'>, j: number): [number, number, 0 | 1] | null => {
  const r = RATIOS[l.columns[j]!.key];
  if (!r) return null;
  const num = l.columns.findIndex((c) => c.key === r[0]);
  const den = l.columns.findIndex((c) => c.key === r[1]);
  return num >= 0 && den >= 0 ? [num, den, r[2]] : null;
};

/** The totals-row formula of column j (no leading `=`): a SUBTOTAL, or a rate of two, blank when the denominator is 0. */
export function totalsFormula(l: SheetLayout, j: number): string {
  const r = l.totals?.[j]?.kind === 'ratio' ? ratioOf(l, j) : null;
  if (!r) return subtotalFormula(l, j);
  const [num, den, minus] = r;
  return `IFERROR(${subtotalFormula(l, num)}/${subtotalFormula(l, den)}${minus ? '-1' : ''},"")`;
}

/** Text Excel would take for a formula (formula injection): written as text, never evaluated. */
export function needsTextGuard(s: string): boolean {
  return /^[=+\-@]/.test(s);
}

const MONEY = new Set(['plan_amount', 'exec_amount', 'paid_amount', 'remaining_amount', 'cumulative_amount', 'plan_unit_price', 'cards_value', 'repair_cost', 'expense_amount', 'budget_amount', 'prev_exec_amount', 'prev_expense_amount', 'spent_amount', 'exec_y_minus_2', 'exec_y_minus_1', 'exec_y', 'trend_next', 'replacement_amount', 'suggested_amount']);
const PERCENT = new Set(['exec_rate', 'savings_rate', 'cumulative_rate', 'time_progress', 'gap', 'share', 'expense_rate', 'yoy_exec', 'yoy_expense', 'rate']);
const COUNT = new Set(['id', 'purchase_count', 'cards', 'in_use', 'repair', 'idle', 'lent', 'transferred', 'pending_disposal', 'disposed', 'repair_events', 'assets_due', 'row', 'month']);
const QUANTITY = new Set(['plan_qty', 'exec_qty', 'remaining_qty', 'quantity']);
const DATE = new Set(['date', 'last_event_date']);
/** Columns a totals row sums: amounts and counts, never unit prices, rates or mixed-item quantities. */
const SUMMED = new Set([...MONEY, ...COUNT].filter((c) => !['plan_unit_price', 'row', 'month'].includes(c)));

export function formatOf(column: string): CellFormat {
  if (column === 'sangong') return 'flag';
  if (MONEY.has(column)) return 'money';
  if (PERCENT.has(column)) return 'percent';
  if (COUNT.has(column)) return 'count';
  if (QUANTITY.has(column)) return 'quantity';
  if (DATE.has(column)) return 'date';
  return 'text';
}

const STATUS: Record<string, [string, string]> = {
  not_started: ['未执行', 'not started'],
  in_progress: ['执行中', 'in progress'],
  completed: ['已完成', 'completed'],
  over_plan: ['超计划', 'over plan'],
};
const SEVERITY: Record<string, [string, string]> = { error: ['错误', 'error'], warning: ['警告', 'warning'], info: ['提示', 'info'] };
const BASIS: Record<string, [string, string]> = { plan: ['计划', 'plan'], renewal: ['资产更新', 'asset renewal'] };
const CHANGE: Record<string, [string, string]> = { added: ['新增', 'added'], removed: ['删除', 'removed'], changed: ['修改', 'changed'] };

/** Codes in the JSON (`competitive_consultation`, `over_plan`) read as words in the sheet. */
function displayCode(column: string, v: string, lang: Lang): string {
  const i = lang === 'zh' ? 0 : 1;
  if (column === 'method') {
    const e = ENUMS.method[v];
    return e ? (lang === 'zh' ? e.zh : e.en) : v;
  }
  if (column === 'status') return STATUS[v]?.[i] ?? v;
  if (column === 'severity') return SEVERITY[v]?.[i] ?? v;
  if (column === 'change') return CHANGE[v]?.[i] ?? v;
  if (column === 'basis') {
    const years = /^trend_(\d)y$/.exec(v)?.[1];
    if (years) return lang === 'zh' ? `趋势（${years} 年）` : `trend (${years} years)`;
    return BASIS[v]?.[i] ?? v;
  }
  if (column === 'action') return auditActionText(v, lang);
  if (column === 'ledger' && v in LEDGERS) return lang === 'zh' ? LEDGER_NAMES[v as LedgerKind][0] : LEDGER_NAMES[v as LedgerKind][1];
  return v;
}
const LEDGER_NAMES: Record<LedgerKind, [string, string]> = {
  plan: ['采购计划', 'plan'],
  purchase: ['采购执行', 'purchase'],
  asset: ['固定资产', 'asset'],
  asset_event: ['资产变动', 'asset event'],
  expense: ['支出明细', 'expense'],
  budget: ['预算指标', 'budget'],
};

const SERIAL_EPOCH = Date.UTC(1899, 11, 30);
function serialOfIso(iso: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? (Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) - SERIAL_EPOCH) / 86_400_000 : null;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Month 1 … 12 as the clerk writes it (`3月`); month 0, purchases dated before the year, `年初前`. */
export function monthText(m: number, lang: Lang): string {
  if (m === 0) return lang === 'zh' ? '年初前' : 'Before year';
  return lang === 'zh' ? `${m}月` : MONTHS_EN[m - 1] ?? String(m);
}

/** The label of an id field (`purchase_id` → 合同编号) in whichever ledger has it. */
function idLabel(field: string, lang: Lang): string {
  for (const kind of Object.keys(LEDGERS) as LedgerKind[]) {
    const f = fieldSpec(kind, field);
    if (f) return lang === 'zh' ? f.zh : f.en;
  }
  return columnLabel(field, lang);
}

/** `purchase_id=HT-1, plan_id=JH-2` (the JSON's) as `合同编号 HT-1；计划编号 JH-2`. */
function idsText(v: string, lang: Lang): string {
  const parts = v.split(/, (?=[a-z_]+=)/).map((p) => {
    const m = /^([a-z_]+)=(.*)$/.exec(p);
    return m ? `${idLabel(m[1]!, lang)} ${m[2]}` : p;
  });
  return parts.join(lang === 'zh' ? '；' : '; ');
}

/** A yes/no as the sheets say it: 是/否. */
export const yesNoText = (v: boolean, lang: Lang): string => (v ? (lang === 'zh' ? '是' : 'yes') : lang === 'zh' ? '否' : 'no');

export function sheetValue(column: string, format: CellFormat, v: TableCell, lang: Lang): SheetValue {
  if (v === null || v === undefined) return null;
  if (column === 'month' && typeof v === 'number') return monthText(v, lang);
  if (column === 'ids' && typeof v === 'string') return idsText(v, lang);
  if (typeof v === 'boolean') return yesNoText(v, lang);
  if (format === 'date' && typeof v === 'string') {
    const s = serialOfIso(v);
    return s === null ? v : { date: s };
  }
  if ((format === 'money' || format === 'percent' || format === 'count' || format === 'quantity') && typeof v === 'string') {
    const n = Number(v);
    return Number.isFinite(n) && v.trim() !== '' ? n : v;
  }
  return typeof v === 'string' ? displayCode(column, v, lang) : v;
}

/** Display width in Excel character units: CJK characters count double. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2E80-\uFFFF]/.test(ch) ? 2 : 1;
  return w;
}

function widthOf(col: LayoutColumn['format'], label: string, values: SheetValue[]): number {
  let w = textWidth(label) + 2;
  for (const v of values.slice(0, 500)) {
    if (v === null) continue;
    const t = typeof v === 'number' ? (col === 'money' ? v.toFixed(2).length * 1.3 : col === 'percent' ? 7 : String(v).length) : typeof v === 'string' ? textWidth(v) : 11;
    w = Math.max(w, t + 2);
  }
  return Math.min(Math.max(Math.ceil(w), 8), 60);
}

const TITLE_ROW = 0;
const SUBTITLE_ROW = 1;
const NOTE_ROW = 2;
const HEADER_ROW = 3;
const CHART_ROWS = 18;
const CHART_COLS = 8;

/** Tables whose last analysis row is already a total (`summary`): it becomes the totals row. */
const TOTAL_IN_DATA: ReadonlySet<SheetKey> = new Set(['summary']);
/** Tables without a totals row: subtotals already inside (expenses), or sums that mean nothing. */
const NO_TOTALS: ReadonlySet<SheetKey> = new Set(['findings', 'expenses', 'monthly', 'changes', 'audit']);

function periodText(period: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return period;
  return lang === 'zh' ? `${m[1]}年${+m[2]!}月` : period;
}

const METHOD_CODES = new Set(['P06', 'P07', 'P08']);

/**
 * The findings table as a clerk reads it: a `位置` cell (`合同台账!L14`) that jumps to the cell,
 * method codes as names, and in Chinese no `expected` written in the contract's English (the
 * message says it in words).
 */
function findingsForSheet(table: AnalysisTable, lang: Lang): { table: AnalysisTable; links: { i: number; sheet: string; cell: string }[] } {
  const c = (name: string) => table.columns.indexOf(name);
  const [code, sheet, row, column, value, expected] = [c('code'), c('sheet'), c('row'), c('column'), c('value'), c('expected')];
  // A table of other columns (a test's, an older service's) is shown as it is.
  if ([code, sheet, row, column, value, expected].some((j) => j < 0)) return { table, links: [] };
  const at = column + 1;
  const links: { i: number; sheet: string; cell: string }[] = [];
  const rows = table.rows.map((r, i) => {
    const out = [...r];
    const isMethod = METHOD_CODES.has(String(r[code]));
    const word = (v: TableCell) => (isMethod && typeof v === 'string' && ENUMS.method[v] ? (lang === 'zh' ? ENUMS.method[v]!.zh : ENUMS.method[v]!.en) : v);
    out[value] = word(r[value] ?? null);
    out[expected] = word(r[expected] ?? null);
    if (lang === 'zh' && typeof out[expected] === 'string' && /[A-Za-z]{3}/.test(out[expected] as string)) out[expected] = null;
    const s = r[sheet];
    let where: string | null = null;
    if (typeof s === 'string' && s !== '') {
      // A row-level finding points at the row's first cell; a sheet-level one names the sheet.
      const cell = typeof r[row] === 'number' ? `${typeof r[column] === 'string' && r[column] ? r[column] : 'A'}${r[row]}` : 'A1';
      where = typeof r[row] === 'number' ? `${s}!${cell}` : s;
      links.push({ i, sheet: s, cell });
    }
    out.splice(at, 0, where);
    return out;
  });
  const columns = [...table.columns];
  columns.splice(at, 0, 'location');
  return { table: { ...table, columns, rows }, links };
}

export function layoutSheet(key: SheetKey, table0: AnalysisTable, spec: ChartSpec | undefined, meta: LayoutMeta, titleText?: string): SheetLayout {
  const { lang } = meta;
  const shown = key === 'findings' ? findingsForSheet(table0, lang) : { table: table0, links: [] };
  const table = shown.table;
  const zh = lang === 'zh';
  const columns0 = table.columns.map((c) => ({ key: c, label: columnLabel(c, lang), format: formatOf(c) }));
  const all = table.rows.map((r) => r.map((v, j) => sheetValue(columns0[j]!.key, columns0[j]!.format, v, lang)));
  const totalInData = TOTAL_IN_DATA.has(key) && all.length > 0;
  const dataRows = totalInData ? all.slice(0, -1) : all;
  const rows = dataRows.length > 0 ? dataRows : [columns0.map(() => null)];
  const columns: LayoutColumn[] = columns0.map((c, j) => ({ ...c, width: widthOf(c.format, c.label, rows.map((r) => r[j] ?? null)) }));
  const totalLabel = zh ? '合计' : 'Total';
  let totals: TotalsCell[] | null = null;
  if (totalInData) {
    // The analysis names its total row in a text column; the label moves to the first column.
    totals = all[all.length - 1]!.map((v, j) => (j === 0 ? { kind: 'label', value: totalLabel } : { kind: 'value', value: v === '合计' || v === 'Total' ? null : v }));
  } else if (!NO_TOTALS.has(key) && columns.some((c) => SUMMED.has(c.key))) {
    // A column with no figure at all (no prior year yet) gets no total rather than a misleading 0.
    const summed = (j: number) => SUMMED.has(columns[j]!.key) && rows.some((r) => typeof r[j] === 'number');
    totals = columns.map((_, j) => {
      if (j === 0) return { kind: 'label', value: totalLabel };
      if (summed(j)) return { kind: 'sum', value: sumColumn(rows, j) };
      const r = ratioOf({ columns }, j);
      if (r && summed(r[0]) && summed(r[1])) {
        // Cached as Excel computes it (a rate to four places, as the analysis gives rates).
        const den = sumColumn(rows, r[1]);
        return { kind: 'ratio', value: den === 0 ? null : Math.round((sumColumn(rows, r[0]) / den - r[2]) * 10_000) / 10_000 };
      }
      return { kind: 'value', value: null };
    });
  }
  const firstCol = 0;
  const lastRow = HEADER_ROW + rows.length + (totals ? 1 : 0);
  const tableRange = { row: HEADER_ROW, col: firstCol, lastRow, lastCol: firstCol + columns.length - 1 };
  const title = titleText ?? (zh ? `${meta.unit} ${periodText(meta.period, lang)} 预算执行分析 — ${table.title}` : `${meta.unit} ${meta.period} budget execution — ${table.title}`);
  const subtitle = zh ? `截至 ${meta.asOf}　生成于 ${meta.generatedAt}` : `As of ${meta.asOf} · generated ${meta.generatedAt}`;
  const layout: SheetLayout = {
    key,
    name: table.sheet,
    markName: markNameOf(key),
    tableName: `LedgerSync_${key}`,
    title: { row: TITLE_ROW, col: firstCol, text: title },
    subtitle: { row: SUBTITLE_ROW, col: firstCol, text: subtitle },
    note: table.note ? { row: NOTE_ROW, col: firstCol, text: table.note } : null,
    headerRow: HEADER_ROW,
    firstCol,
    columns,
    rows,
    totals,
    tableRange,
    frozenRows: HEADER_ROW + 1,
    chart: null,
    chartData: null,
  };
  if (shown.links.length > 0) {
    const col = firstCol + table.columns.indexOf('location');
    layout.links = shown.links.filter((l) => l.i < dataRows.length).map((l) => ({ row: HEADER_ROW + 1 + l.i, col, sheet: l.sheet, cell: l.cell }));
  }
  if (spec && dataRows.length > 0) placeChart(layout, table, spec, dataRows.length, lang);
  return layout;
}

function sumColumn(rows: SheetValue[][], j: number): number {
  // Sums in fen, so the cached total is exact to the cent like the SUBTOTAL Excel recomputes.
  let fen = 0;
  for (const r of rows) if (typeof r[j] === 'number') fen += Math.round((r[j] as number) * 100);
  return fen / 100;
}

function placeChart(layout: SheetLayout, table: AnalysisTable, spec: ChartSpec, dataRowCount: number, lang: Lang): void {
  const picked = spec.rows.filter((i) => i < dataRowCount);
  if (picked.length === 0) return;
  const catJ = table.columns.indexOf(spec.category);
  const serJ = spec.series.map((s) => table.columns.indexOf(s));
  const anchor = { row: layout.headerRow, col: layout.tableRange.lastCol + 2, rows: CHART_ROWS, cols: CHART_COLS };
  const contiguous = picked.every((r, i) => i === 0 || r === picked[i - 1]! + 1);
  const categoryValues = picked.map((i) => String(layout.rows[i]![catJ] ?? ''));
  const seriesValues = serJ.map((j) => picked.map((i) => (typeof layout.rows[i]![j] === 'number' ? (layout.rows[i]![j] as number) : null)));
  const col = (j: number, first: number, last: number): CellRange => ({ row: first, col: j, lastRow: last, lastCol: j });
  let categories: CellRange;
  let series: ChartLayout['series'];
  if (contiguous) {
    const first = layout.headerRow + 1 + picked[0]!;
    const last = layout.headerRow + 1 + picked[picked.length - 1]!;
    categories = col(layout.firstCol + catJ, first, last);
    series = serJ.map((j, k) => ({ name: layout.columns[j]!.label, nameCell: col(layout.firstCol + j, layout.headerRow, layout.headerRow), values: col(layout.firstCol + j, first, last), format: formatOf(spec.series[k]!) }));
  } else {
    // Charts need contiguous source ranges (Office.js and most readers), so the chosen rows get a block of their own under the chart.
    const top = anchor.row + anchor.rows + 1;
    const c0 = anchor.col;
    const labels = [layout.columns[catJ]!.label, ...serJ.map((j) => layout.columns[j]!.label)];
    const rows = picked.map((i) => [layout.rows[i]![catJ] ?? null, ...serJ.map((j) => layout.rows[i]![j] ?? null)]);
    layout.chartData = {
      caption: { row: top, col: c0, text: spec.title + (lang === 'zh' ? '（图表数据）' : ' (chart data)') },
      header: { row: top + 1, col: c0, labels },
      rows,
      formats: [layout.columns[catJ]!.format, ...serJ.map((j) => layout.columns[j]!.format)],
      widths: labels.map((label, k) => widthOf(k === 0 ? layout.columns[catJ]!.format : layout.columns[serJ[k - 1]!]!.format, label, rows.map((r) => r[k] ?? null))),
    };
    const first = top + 2;
    const last = first + rows.length - 1;
    categories = col(c0, first, last);
    series = serJ.map((j, k) => ({ name: layout.columns[j]!.label, nameCell: col(c0 + 1 + k, top + 1, top + 1), values: col(c0 + 1 + k, first, last), format: formatOf(spec.series[k]!) }));
  }
  layout.chart = { type: spec.type, title: spec.title, seriesBy: 'columns', anchor, categories, series, categoryValues, seriesValues };
}

/** Every analysis sheet of one analysis, in the order of analysis.md. */
export function layoutAnalysis(analysis: Analysis, meta: LayoutMeta): SheetLayout[] {
  return TABLE_KEYS.map((key) => {
    const table = analysis.tables[key];
    const spec = analysis.charts.find((c) => c.sheet === table.sheet);
    return layoutSheet(key, table, spec, meta);
  });
}

/** `A1`-style address of a 0-based cell; absolute (`$A$1`) when asked. */
export function a1(row: number, col: number, absolute = false): string {
  const d = absolute ? '$' : '';
  return `${d}${columnLetter(col + 1)}${d}${row + 1}`;
}

export function rangeA1(r: CellRange, absolute = false): string {
  const a = a1(r.row, r.col, absolute);
  return r.row === r.lastRow && r.col === r.lastCol ? a : `${a}:${a1(r.lastRow, r.lastCol, absolute)}`;
}

/** A sheet name as formulas and chart references quote it. */
export function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}
