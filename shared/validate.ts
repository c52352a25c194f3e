/**
 * Reading ledger sheets into typed rows and validating them one row at a time (rules.md, V and I
 * codes). Pure: grids in, rows and findings out.
 */
import { LEDGERS, LedgerKind, FieldSpec, REFERENCE_FIELDS, mayBeNegative } from './ledgers';
import { Finding, FindingCode, Lang, MessageArgs, SEVERITY, rememberArgs, renderMessage } from './findings';
import { SheetDetection, normaliseHeader, titleYear } from './headers';
import { footerIndex, sheetMoneyUnit } from './sheet-form';
import { FieldValue, MoneyUnit, PRODUCT_LIMIT_EXPECTED, isEmptyCell, parseCell, rawText } from './values';
import { Cell, SheetGrid, columnLetter } from './workbook';
import { Fen, differsByMoreThanAFen, fenToYuanString, productFen } from './money';
import { IsoDate, addDays } from './dates';
import { ReferenceData } from './reference';

/** One data row of a ledger: parsed values by field, null where empty or unreadable. */
export interface LedgerRow {
  sheet: string;
  /** Excel row number. */
  row: number;
  values: Record<string, FieldValue | null>;
  /** Raw text of the cells that could not be read, by field. */
  raw: Record<string, string>;
  /** False when the row failed V01–V05 or V07: it then takes no part in reconciliation. */
  valid: boolean;
}

export interface LedgerSheet {
  sheet: string;
  kind: LedgerKind;
  /** Excel row number of the header (its block's first row). */
  header_row: number;
  /** Rows in the header block: 1, or 2–3 under grouped columns. */
  header_rows: number;
  /** The money unit a unit line of the sheet set (`万元`), when one did. */
  money_unit?: MoneyUnit;
  /** Excel row number where the sheet's footer begins, when it has one. */
  footer_row?: number;
  /** A sheet of one event (`repair` for a 维修单): every row's event. */
  event?: string;
  data_rows: number;
  /** field → column letter. */
  mapping: Record<string, string>;
  unmapped: string[];
  /** Required fields without a column (V00): the sheet's rows were then not read. */
  missing: string[];
}

/** A row while it is being checked: its findings so far, and which codes fired (bits of CODE_BIT). */
interface PendingRow extends LedgerRow {
  findings: Finding[] | null;
  codes: number;
}

interface MappedField {
  spec: FieldSpec;
  col: number;
  letter: string;
  header: string;
  unit: MoneyUnit;
  /** A date split over 年/月/日: the month and day columns (col is the year's). */
  parts?: [number, number];
}

export interface ReadOptions {
  ref: ReferenceData;
  lang: Lang;
}

export interface ParsedSheet {
  info: LedgerSheet;
  layout: SheetLayout;
  rows: PendingRow[];
  /** Findings of rows that are no data (I01) and of the sheet itself (V00). */
  findings: Finding[];
  /** The year written in the title above the header, if any. */
  titleYear: number | null;
  fields: MappedField[];
}

// A subtotal or total: text that starts with 小计/合计/总计/Total, ends with 小计/合计 (办公室小计,
// 合计：), or reads 本页小计 (layouts.md).
const TOTAL_START = /^\s*(小计|合计|总计|total)/i;
const TOTAL_END = /(小计|合计)[\s:：]*$/;
/** First characters a total row's text can start with (after spaces): a cheap test before the regexes. */
const TOTAL_FIRST = new Set(['小', '合', '总', '本', 't', 'T', ' ', '\t', '\n', '\r', '\u3000', '\u00a0']);

/** Last characters a text ending in 小计/合计 can have: a cheap test before the regex. */
const TOTAL_LAST = new Set(['计', ':', '：', ' ', '\u3000']);

function isTotalRow(cells: ReadonlyArray<Cell>): boolean {
  for (const c of cells) {
    if (typeof c !== 'string') continue;
    if (TOTAL_FIRST.has(c.charAt(0)) && TOTAL_START.test(c)) return true;
    if (c.length >= 2 && TOTAL_LAST.has(c.charAt(c.length - 1)) && TOTAL_END.test(c)) return true;
  }
  return false;
}

/** A row whose every non-empty cell is its column's header label again (a sheet pasted page by page). */
function repeatsHeader(cells: ReadonlyArray<Cell>, raw: readonly string[], labels: readonly string[]): boolean {
  let any = false;
  for (let c = 0; c < cells.length; c++) {
    const v = cells[c];
    if (isEmptyCell(v ?? null)) continue;
    if (typeof v !== 'string' || labels[c] === undefined) return false;
    // Most rows are data: told apart by their first letter before any normalising.
    if (v !== raw[c] && (firstLetter(v) !== firstLetter(raw[c]!) || normaliseHeader(v).key !== labels[c])) return false;
    any = true;
  }
  return any;
}

/** The first character that is not a space or the `*` of a required column. */
function firstLetter(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    if (ch !== ' ' && ch !== '*' && ch !== '＊' && ch !== '\u3000' && ch !== '\t' && ch !== '\n' && ch !== '\r') return ch;
  }
  return '';
}

function isEmptyRow(cells: ReadonlyArray<Cell> | undefined): boolean {
  if (!cells) return true;
  for (const c of cells) if (!isEmptyCell(c)) return false;
  return true;
}

export function makeFinding(
  code: FindingCode,
  lang: Lang,
  where: Omit<Finding, 'code' | 'severity' | 'message'>,
  args?: MessageArgs,
): Finding {
  const f: Finding = { code, severity: SEVERITY[code], ...where, message: '' };
  f.message = renderMessage(f, lang, args);
  if (args) rememberArgs(f, args);
  return f;
}

/** Where a ledger's rows stand in one sheet: the header and the column of each mapped field. */
export interface SheetLayout {
  sheet: string;
  kind: LedgerKind;
  /** Excel row number of the header (its block's first row). */
  headerRow: number;
  /** Rows in the header block (1 when absent). */
  headerRows?: number;
  /** The unit line's money unit, if the sheet has one. */
  moneyUnit?: MoneyUnit | null;
  /** Money unit of each mapped money field whose unit is not 元: its header's, its group's or the unit line's. */
  units?: Record<string, MoneyUnit>;
  /** Excel row number where the footer begins (制表人 …), if any: no row from there on is data. */
  footerRow?: number | null;
  /** A sheet of one event: the event of every row (there is no event column). */
  event?: string;
  /** Dates split over 年/月/日 columns: field → its month and day columns (0-based; mapping holds the year's). */
  splitDates?: Record<string, [number, number]>;
  /** The year written in a title above the header, if any. */
  titleYear: number | null;
  /** Header labels by 0-based column (a grouped column's own label, else its group's). */
  headers: string[];
  /** field → 0-based column: detected, or as the user corrected it in the add-in. */
  mapping: Record<string, number>;
}

/** One row of a sheet below its header: Excel row number and cells from column A. */
export interface SourceRow {
  row: number;
  cells: ReadonlyArray<Cell>;
}

export function layoutOfDetection(grid: SheetGrid, det: SheetDetection): SheetLayout {
  const mapping: Record<string, number> = {};
  for (const [field, m] of det.match.fields) mapping[field] = m.col;
  const moneyUnit = sheetMoneyUnit(grid, det.block, new Set(Object.values(mapping)));
  const units: Record<string, MoneyUnit> = {};
  for (const f of LEDGERS[det.kind].fields) {
    const m = det.match.fields.get(f.name);
    // A header's own unit wins over the unit line; quantities are never scaled.
    const unit = m && f.type === 'money' ? m.unit ?? moneyUnit : null;
    if (unit && unit !== '元') units[f.name] = unit;
  }
  const splitDates: Record<string, [number, number]> = {};
  for (const [field, m] of det.match.fields) if (m.parts) splitDates[field] = m.parts;
  const footer = footerIndex(grid, det.headerIndex + det.block.rows);
  const dataEnd = footer ?? grid.rows.length;
  namesAsCategories(grid, det.headerIndex + det.block.rows, dataEnd, mapping);
  return {
    sheet: grid.name,
    kind: det.kind,
    headerRow: det.headerIndex + 1,
    headerRows: det.block.rows,
    moneyUnit,
    units,
    footerRow: footer === null ? null : footer + 1,
    titleYear: titleYear(grid, det.headerIndex),
    headers: det.block.columns.map((c) => c.label || c.parent),
    mapping,
    ...(det.event ? { event: det.event } : {}),
    ...(Object.keys(splitDates).length > 0 ? { splitDates } : {}),
  };
}

const CATEGORY_CODE_FORM = /^(?:[ABC]\d{2,10}|\d{7})$/;

/**
 * A category code column holding names (`通用设备`, `办公家具`) — no cell of the code's form, and
 * names in Chinese — is read as the category name (layouts.md): text, no V08.
 */
function namesAsCategories(grid: SheetGrid, from: number, to: number, mapping: Record<string, number>): void {
  const col = mapping.category_code;
  if (col === undefined) return;
  let any = false;
  for (let r = from; r < to; r++) {
    const c = grid.rows[r]?.[col];
    if (isEmptyCell(c ?? null)) continue;
    const t = rawText(c!).trim();
    if (CATEGORY_CODE_FORM.test(t)) return;
    // A name is words (通用设备), not a malformed code (201010): that stays a code, and V08 says so.
    if (/[\u4e00-\u9fff]/.test(t)) any = true;
  }
  if (!any) return;
  delete mapping.category_code;
  if (mapping.category_name === undefined) mapping.category_name = col;
}

/** The non-empty rows below the header of a sheet. */
export function* rowsBelowHeader(grid: SheetGrid, headerRow: number): Generator<SourceRow> {
  for (let r = headerRow; r < grid.rows.length; r++) {
    const cells = grid.rows[r];
    if (cells && !isEmptyRow(cells)) yield { row: r + 1, cells };
  }
}

/** Reads one recognised ledger sheet: parses every mapped cell; V00–V04 and I01 come from here. */
export function readLedgerSheet(grid: SheetGrid, det: SheetDetection, opts: ReadOptions): ParsedSheet {
  return readLedgerRows(layoutOfDetection(grid, det), rowsBelowHeader(grid, det.headerIndex + det.block.rows), opts);
}

/** The same reading for rows that arrive without their sheet (a push to the service). */
export function readLedgerRows(layout: SheetLayout, rows: Iterable<SourceRow>, opts: ReadOptions): ParsedSheet {
  const spec = LEDGERS[layout.kind];
  const mapping: Record<string, string> = {};
  const fields: MappedField[] = [];
  for (const field of spec.fields) {
    const col = layout.mapping[field.name];
    if (col === undefined) continue;
    const letter = columnLetter(col + 1);
    const header = layout.headers[col] ?? '';
    mapping[field.name] = letter;
    const parts = layout.splitDates?.[field.name];
    fields.push({ spec: field, col, letter, header, unit: layout.units?.[field.name] ?? normaliseHeader(header).unit ?? '元', ...(parts ? { parts } : {}) });
  }
  const mappedCols = new Set([...Object.values(layout.mapping), ...Object.values(layout.splitDates ?? {}).flat()]);
  const unmapped = layout.headers.filter((h, col) => h !== '' && !mappedCols.has(col));
  const missing = spec.fields
    .filter((f) => f.required && layout.mapping[f.name] === undefined && !derivedColumn(layout, f.name))
    .map((f) => f.name);
  const info: LedgerSheet = {
    sheet: layout.sheet,
    kind: layout.kind,
    header_row: layout.headerRow,
    header_rows: layout.headerRows ?? 1,
    ...(layout.moneyUnit ? { money_unit: layout.moneyUnit } : {}),
    ...(layout.footerRow ? { footer_row: layout.footerRow } : {}),
    ...(layout.event ? { event: layout.event } : {}),
    data_rows: 0,
    mapping,
    unmapped,
    missing,
  };
  const sheetFindings: Finding[] = [];
  const parsed: ParsedSheet = { info, layout, rows: [], findings: sheetFindings, titleYear: layout.titleYear, fields };
  if (missing.length > 0) {
    for (const field of missing) {
      sheetFindings.push(makeFinding('V00', opts.lang, { ledger: layout.kind, sheet: layout.sheet, row: layout.headerRow, field }));
    }
    return parsed;
  }
  // Every row's values start as a copy of this: one shape for all rows, no property added one by one.
  // Every field of the kind, mapped or not: values filled in later (a card's quantity, an amount)
  // then never change a row object's shape.
  const template: Record<string, FieldValue | null> = {};
  for (const f of spec.fields) template[f.name] = null;
  if (layout.event) template.event = layout.event;
  const footerRow = layout.footerRow ?? Infinity;
  const dataCols = fields.map((f) => f.col);
  const labels = layout.headers.map((h) => normaliseHeader(h).key);
  for (const { row, cells } of rows) {
    if (row >= footerRow) {
      // The footer (制表人, 审核人, 填表说明 …) is no data: one I03 where it begins.
      if (row === footerRow) sheetFindings.push(makeFinding('I03', opts.lang, { ledger: layout.kind, sheet: layout.sheet, row }));
      continue;
    }
    if (isEmptyRow(cells)) continue;
    // A template's pre-numbered rows (序号 1, 2, 3 … and nothing else) and a header repeated page by page.
    if (dataCols.every((c) => isEmptyCell(cells[c] ?? null)) || repeatsHeader(cells, layout.headers, labels)) continue;
    if (isTotalRow(cells)) {
      sheetFindings.push(makeFinding('I01', opts.lang, { ledger: layout.kind, sheet: layout.sheet, row }));
      continue;
    }
    parsed.rows.push(parseRow(layout.sheet, row, cells, layout.kind, fields, template, opts));
  }
  info.data_rows = parsed.rows.length;
  return parsed;
}

function parseRow(
  sheet: string,
  row: number,
  cells: ReadonlyArray<Cell>,
  kind: LedgerKind,
  fields: MappedField[],
  template: Readonly<Record<string, FieldValue | null>>,
  opts: ReadOptions,
): PendingRow {
  const values: Record<string, FieldValue | null> = { ...template };
  // Most rows have no unreadable cell: they share one empty record instead of holding one each.
  let raw: Record<string, string> | null = null;
  let problems: { code: FindingCode; field: MappedField; value?: string; expected?: string }[] | null = null;
  for (const mf of fields) {
    const c = mf.parts ? joinedDate(cells, mf.col, mf.parts) : cells[mf.col] ?? null;
    if (isEmptyCell(c)) {
      if (mf.spec.required && !derivedCell(kind, mf.spec.name, cells, fields)) (problems ??= []).push({ code: 'V01', field: mf });
      continue;
    }
    const p = parseCell(mf.spec.type, c, opts.ref, mf.unit);
    if (p.ok) {
      values[mf.spec.name] = p.value;
    } else {
      const text = rawText(c);
      (raw ??= {})[mf.spec.name] = text;
      (problems ??= []).push({ code: p.code, field: mf, value: text, expected: p.expected });
    }
  }
  const pending: PendingRow = { sheet, row, values, raw: raw ?? NO_RAW, valid: true, findings: null, codes: 0 };
  if (problems) {
    // One finding per code and row: the first field in table order, the others named in its message.
    for (const p of problems) {
      if (pending.codes & CODE_BIT[p.code]) continue;
      const also = problems.filter((o) => o.code === p.code && o !== p).map((o) => o.field.spec.name);
      addRowFinding(pending, kind, p.code, p.field, opts.lang, { value: p.value, expected: p.expected }, { alsoFields: also });
    }
  }
  return pending;
}

/**
 * Required fields a ledger can do without (ledgers.md): a contract kept by amount alone (service
 * contracts) is quantity 1 at that amount; an asset register with unit prices but no value column
 * values each card at quantity × unit price.
 */
function derivedColumn({ kind, mapping, event }: SheetLayout, field: string): boolean {
  if (kind === 'purchase' && (field === 'quantity' || field === 'unit_price')) {
    return mapping.amount !== undefined && mapping.quantity === undefined && mapping.unit_price === undefined;
  }
  // A sheet of one event (a 维修单) gives every row its event.
  if (kind === 'asset_event' && field === 'event') return event !== undefined;
  return kind === 'asset' && field === 'value' && mapping.unit_price !== undefined;
}

/** The same for one row: its empty cell is filled from the others (checkLedgerRows does it). */
function derivedCell(kind: LedgerKind, field: string, cells: ReadonlyArray<Cell>, fields: MappedField[]): boolean {
  const cell = (name: string) => {
    const f = fields.find((m) => m.spec.name === name);
    return f ? cells[f.col] ?? null : null;
  };
  if (kind === 'purchase' && (field === 'quantity' || field === 'unit_price')) {
    return isEmptyCell(cell('quantity')) && isEmptyCell(cell('unit_price')) && !isEmptyCell(cell('amount'));
  }
  return kind === 'asset' && field === 'value' && !isEmptyCell(cell('unit_price'));
}

/** A date split over 年/月/日 cells as one text (`2024-3-5`), or null when all three are empty. */
function joinedDate(cells: ReadonlyArray<Cell>, year: number, [month, day]: [number, number]): Cell {
  const parts = [year, month, day].map((c) => {
    const v = cells[c] ?? null;
    return isEmptyCell(v) ? '' : rawText(v!).trim().replace(/[年月日号]$/, '');
  });
  if (parts.every((p) => p === '')) return null;
  return parts.join('-');
}

const NO_RAW: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** One bit per code, so that a row remembers which rules already fired on it. */
const CODE_BIT = Object.fromEntries(Object.keys(SEVERITY).map((c, i) => [c, 1 << i])) as Record<FindingCode, number>;

function addRowFinding(
  row: PendingRow,
  kind: LedgerKind,
  code: FindingCode,
  field: MappedField | null,
  lang: Lang,
  detail: { value?: string; expected?: string },
  args?: MessageArgs,
): void {
  if (row.codes & CODE_BIT[code]) return;
  row.codes |= CODE_BIT[code];
  if (SEVERITY[code] === 'error') row.valid = false;
  const where: Omit<Finding, 'code' | 'severity' | 'message'> = { ledger: kind, sheet: row.sheet, row: row.row };
  if (field) {
    where.column = field.letter;
    where.field = field.spec.name;
  }
  const ids = rowIds(kind, row.values);
  if (ids) where.ids = ids;
  if (detail.value !== undefined) where.value = detail.value;
  if (detail.expected !== undefined) where.expected = detail.expected;
  (row.findings ??= []).push(makeFinding(code, lang, where, field ? { ...args, header: field.header } : args));
}

/** quantity × unit price past what a ledger amount holds: V02 on the unit price, the row kept out of reconciliation. */
function productPastLimit(row: PendingRow, kind: LedgerKind, priceField: MappedField | null, qty: number, price: number, lang: Lang): void {
  addRowFinding(row, kind, 'V02', priceField, lang, { value: `${qty} × ${fenToYuanString(price)}`, expected: PRODUCT_LIMIT_EXPECTED });
}

/** The row's own id and the ids it refers to, as `ids` of its findings. */
export function rowIds(kind: LedgerKind, values: Record<string, FieldValue | null>): Record<string, string> | undefined {
  let ids: Record<string, string> | undefined;
  const own = LEDGERS[kind].idField;
  for (const name of own ? [own, ...REFERENCE_FIELDS] : REFERENCE_FIELDS) {
    const v = values[name];
    if (v !== null && v !== undefined && v !== '') (ids ??= {})[name] = String(v);
  }
  return ids;
}

const CATALOGUE_CODE_RE = /^[ABC](\d{2}|\d{4}|\d{6}|\d{8}|\d{10})$/;
const GBT_CODE_RE = /^\d{7}$/;

export interface LedgerChecks {
  asOf: IsoDate;
  /** `--year` (API: year): the plan/budget year when neither a column nor a title gives one. */
  year?: number;
}

export interface ValidatedLedger {
  kind: LedgerKind;
  sheets: LedgerSheet[];
  rows: LedgerRow[];
  findings: Finding[];
}

/**
 * The checks that need the whole ledger or the as-of date: defaults (year, amount), V05–V09.
 * `parts` are the sheets of one kind in workbook order.
 */
export function validateLedger(kind: LedgerKind, parts: ParsedSheet[], checks: LedgerChecks, opts: ReadOptions): ValidatedLedger {
  const findings: Finding[] = [];
  const rows = [...checkLedgerRows(kind, parts, checks, opts, findings)];
  return { kind, sheets: parts.map((p) => p.info), rows, findings };
}

/**
 * validateLedger a row at a time: each row is given once its checks are done, and the findings —
 * the sheets' own and the rows' — are added to `findings` as it goes, in validateLedger's order.
 * They are complete once the last row has been taken. The service stores each row as it comes,
 * beside the checks of the next.
 */
export function* checkLedgerRows(kind: LedgerKind, parts: ParsedSheet[], checks: LedgerChecks, opts: ReadOptions, findings: Finding[]): Generator<LedgerRow> {
  const spec = LEDGERS[kind];
  const asOfYear = +checks.asOf.slice(0, 4);
  const latest = addDays(checks.asOf, 31);
  const firstSeen = new Map<string, number>();
  const hasYear = spec.fields.some((f) => f.name === 'year');
  const hasComputedAmount = kind === 'plan' || kind === 'purchase';
  for (const part of parts) {
    for (const f of part.findings) findings.push(f);
    const byName = new Map(part.fields.map((f) => [f.spec.name, f]));
    const idField = spec.idField ? byName.get(spec.idField) : undefined;
    const amountField = byName.get('amount');
    const numberFields = part.fields.filter((f) => f.spec.type === 'qty' || (f.spec.type === 'money' && !mayBeNegative(kind, f.spec.name)));
    const codeFields = part.fields.filter((f) => f.spec.name === 'item_code' || f.spec.name === 'category_code');
    const dateFields = part.fields.filter((f) => f.spec.type === 'date');
    const defaultYear = part.titleYear ?? checks.year ?? asOfYear;
    for (const row of part.rows) {
      const v = row.values;
      if (hasYear && v.year == null && row.raw.year === undefined) v.year = defaultYear;

      if (idField) {
        const id = v[idField.spec.name];
        if (id != null) {
          const key = String(id);
          const first = firstSeen.get(key);
          if (first === undefined) firstSeen.set(key, row.row);
          else addRowFinding(row, kind, 'V05', idField, opts.lang, { value: key, expected: 'unique' }, { firstRow: first });
        }
      }

      for (const mf of numberFields) {
        const val = v[mf.spec.name];
        if (typeof val !== 'number') continue;
        if (mf.spec.type === 'qty') {
          if (val <= 0) addRowFinding(row, kind, 'V07', mf, opts.lang, { value: String(val), expected: '> 0' });
        } else if (val < 0) {
          addRowFinding(row, kind, 'V07', mf, opts.lang, { value: fenToYuanString(val), expected: '>= 0' });
        }
      }

      if (kind === 'purchase' && v.quantity == null && v.unit_price == null && row.raw.quantity === undefined && row.raw.unit_price === undefined && typeof v.amount === 'number') {
        // Kept by amount alone: one unit at that amount.
        v.quantity = 1;
        v.unit_price = v.amount;
      }
      if (kind === 'asset') {
        // A card stands for `quantity` units (1 when not given); its value, when not given, is units × unit price.
        if (v.quantity == null && row.raw.quantity === undefined) v.quantity = 1;
        if (v.value == null && row.raw.value === undefined && typeof v.unit_price === 'number' && typeof v.quantity === 'number') {
          const value = productFen(v.quantity, v.unit_price as Fen);
          if (value === null) productPastLimit(row, kind, byName.get('unit_price') ?? null, v.quantity, v.unit_price, opts.lang);
          else v.value = value;
        }
      }
      if (hasComputedAmount) {
        const qty = v.quantity;
        const price = v.unit_price;
        if (typeof qty === 'number' && typeof price === 'number') {
          const implied = productFen(qty, price as Fen);
          if (implied === null) {
            productPastLimit(row, kind, byName.get('unit_price') ?? null, qty, price, opts.lang);
          } else if (typeof v.amount === 'number') {
            // Fast exact test for whole quantities; fractions go through the exact decimal product.
            const off = Number.isInteger(qty) ? Math.abs(v.amount - qty * price) > 1 : differsByMoreThanAFen(v.amount as Fen, qty, price as Fen);
            if (off) {
              addRowFinding(row, kind, 'V06', amountField!, opts.lang, {
                value: fenToYuanString(v.amount),
                expected: `${qty} × ${fenToYuanString(price)} = ${fenToYuanString(implied)}`,
              });
            }
          } else if (v.amount == null && row.raw.amount === undefined) {
            v.amount = implied;
          }
        }
      }

      for (const mf of codeFields) {
        const code = v[mf.spec.name];
        if (typeof code !== 'string') continue;
        const isItem = mf.spec.name === 'item_code';
        if (!(CATALOGUE_CODE_RE.test(code) || (!isItem && GBT_CODE_RE.test(code)))) {
          const expected = isItem ? 'A/B/C + 2–10 digits, even count (A02010104)' : 'A02010104 or 7 digits (2010104)';
          addRowFinding(row, kind, 'V08', mf, opts.lang, { value: code, expected });
        }
      }

      for (const mf of dateFields) {
        const d = v[mf.spec.name];
        if (typeof d === 'string' && (d < '2000-01-01' || d > latest)) {
          addRowFinding(row, kind, 'V09', mf, opts.lang, { value: d, expected: `2000-01-01 … ${latest}` });
        }
      }

      if (row.findings) for (const f of row.findings) findings.push(f);
      yield row;
    }
  }
}
