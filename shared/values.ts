/** Cell parsers of values.md. Each returns a value or the finding code it deserves; none throws. */
import { foldFullWidth, isBlankText, foldForMatch } from './text';
import { Fen, LEDGER_MONEY_LIMIT_FEN, LEDGER_QTY_LIMIT, decimalToFen, fenOfNumber } from './money';
import { IsoDate, isoDate, isoOfSerial } from './dates';
import { Cell } from './workbook';
import { ENUMS, EnumName, lookupEnum } from './enums';
import { ReferenceData } from './reference';

export type FieldType = 'text' | 'code' | 'money' | 'qty' | 'date' | 'year' | `enum:${EnumName | 'econ_class'}`;

export type ParseCode = 'V02' | 'V03' | 'V04';
export type Parsed<T> = { ok: true; value: T } | { ok: false; code: ParseCode; expected: string };

function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}
function bad(code: ParseCode, expected: string): { ok: false; code: ParseCode; expected: string } {
  return { ok: false, code, expected };
}

/** Empty per values.md: nothing, blank text or a lone placeholder. */
export function isEmptyCell(c: Cell): boolean {
  return c === null || c === undefined || (typeof c === 'string' && isBlankText(c));
}

/** The cell as the clerk sees it, for `value` in findings and the raw column kept beside parsed values. */
export function rawText(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'object') return c.kind === 'error' ? c.text : (isoOfSerial(c.serial) ?? String(c.serial));
  return String(c);
}

export type MoneyUnit = '元' | '万元';

const MONEY_EXPECTED = 'an amount in yuan, e.g. 4800 / ¥4,800.00 / 1.2万';
/** `expected` of a V02 for a number too large for a ledger cell (money.ts); findings.ts words it in Chinese. */
export const MONEY_LIMIT_EXPECTED = 'an amount below 1,000,000,000,000 yuan';
export const QTY_LIMIT_EXPECTED = 'a quantity below 1,000,000,000,000';
export const PRODUCT_LIMIT_EXPECTED = 'quantity × unit price below 1,000,000,000,000 yuan';

/** A read amount, or V02 when it is past what a ledger cell holds. */
function inLedger(f: Fen | null): Parsed<Fen> {
  if (f === null) return bad('V02', MONEY_LIMIT_EXPECTED);
  return Math.abs(f) >= LEDGER_MONEY_LIMIT_FEN ? bad('V02', MONEY_LIMIT_EXPECTED) : ok((f === 0 ? 0 : f) as Fen);
}

// Numbers as clerks write them: optional thousands separators (commas or spaces between groups).
const MONEY_BODY_RE = /^(\d{1,3}(?:[, ]\d{3})+|\d+)?(?:\.(\d+))?$/;

export function parseMoney(c: Cell, headerUnit: MoneyUnit = '元'): Parsed<Fen> {
  if (typeof c === 'number') {
    // Not finite is unreadable; finite but too large to be exact is past the ledger's limit.
    if (!Number.isFinite(c)) return bad('V02', MONEY_EXPECTED);
    return inLedger(fenOfNumber(c, headerUnit === '万元' ? 4 : 0));
  }
  if (typeof c !== 'string') return bad('V02', MONEY_EXPECTED);
  let s = foldFullWidth(c).trim().replace(/\u2212/g, '-');
  let negative = false;
  const paren = /^\((.*)\)$/.exec(s);
  if (paren) {
    negative = true;
    s = paren[1]!.trim();
  }
  let sign = /^[+-]/.exec(s);
  if (sign) {
    negative = negative !== (sign[0] === '-');
    s = s.slice(1).trim();
  }
  s = s.replace(/^(?:[¥￥]|RMB|CNY)\s*/i, '');
  if (!sign) {
    sign = /^[+-]/.exec(s);
    if (sign) {
      negative = negative !== (sign[0] === '-');
      s = s.slice(1).trim();
    }
  }
  let unit = headerUnit;
  const unitMatch = /\s*(万元|万|元)$/.exec(s);
  if (unitMatch) {
    unit = unitMatch[1] === '元' ? '元' : '万元';
    s = s.slice(0, unitMatch.index);
  }
  const m = MONEY_BODY_RE.exec(s);
  if (!m || (m[1] === undefined && m[2] === undefined)) return bad('V02', MONEY_EXPECTED);
  const intDigits = (m[1] ?? '0').replace(/[, ]/g, '');
  const frac = m[2] ?? '';
  return inLedger(decimalToFen({ negative, digits: intDigits + frac, scale: frac.length }, unit === '万元' ? 4 : 0));
}

const QTY_EXPECTED = 'a number, optionally with a unit word (5 / 5台 / 0.5项)';
const QTY_RE = /^([+-]?)(\d+(?:,\d{3})*)?(?:\.(\d+))?\s*(?:[\u4e00-\u9fff]{1,3}|[a-zA-Z]{1,6})?$/;

function qtyInLedger(n: number): Parsed<number> {
  if (!Number.isFinite(n)) return bad('V02', QTY_EXPECTED);
  return Math.abs(n) >= LEDGER_QTY_LIMIT ? bad('V02', QTY_LIMIT_EXPECTED) : ok(n === 0 ? 0 : n);
}

export function parseQty(c: Cell): Parsed<number> {
  if (typeof c === 'number') return qtyInLedger(c);
  if (typeof c !== 'string') return bad('V02', QTY_EXPECTED);
  const s = foldFullWidth(c).trim();
  const m = QTY_RE.exec(s);
  if (!m || (m[2] === undefined && m[3] === undefined)) return bad('V02', QTY_EXPECTED);
  return qtyInLedger(Number(`${m[1]}${(m[2] ?? '0').replace(/,/g, '')}.${m[3] ?? '0'}`));
}

const DATE_EXPECTED = 'a date such as 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 or 20240305';
// Plain strings, not String.raw: a tagged template with `\2` in it is a syntax error before ES2018
// (EdgeHTML 18, where the pane runs on Office 2016/2019).
const TIME = '(?:[ T]+\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?Z?)?';
const DATE_SEP_RE = new RegExp('^(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})' + TIME + '$');
const DATE_ZH_RE = new RegExp('^(\\d{4})\\s*年\\s*(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*日' + TIME + '$');
const DATE_COMPACT_RE = new RegExp('^(\\d{4})(\\d{2})(\\d{2})' + TIME + '$');
const DATE_DAY_FIRST_RE = /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}/;

function ymd(y: string, m: string, d: string): Parsed<IsoDate> {
  const iso = isoDate(+y, +m, +d);
  return iso ? ok(iso) : bad('V03', `a real calendar date (${y}-${m}-${d} does not exist)`);
}

export function parseDate(c: Cell): Parsed<IsoDate> {
  if (c !== null && typeof c === 'object') {
    if (c.kind === 'error') return bad('V03', DATE_EXPECTED);
    const iso = isoOfSerial(c.serial);
    return iso ? ok(iso) : bad('V03', DATE_EXPECTED);
  }
  if (typeof c === 'number') {
    // A plain number in a date column: an Excel serial, or a yyyymmdd date typed as a number.
    if (Number.isInteger(c) && c >= 19000101 && c <= 29991231) {
      const s = String(c);
      return ymd(s.slice(0, 4), s.slice(4, 6), s.slice(6, 8));
    }
    const iso = isoOfSerial(c);
    return iso ? ok(iso) : bad('V03', DATE_EXPECTED);
  }
  if (typeof c !== 'string') return bad('V03', DATE_EXPECTED);
  const s = foldFullWidth(c).trim();
  let m = DATE_SEP_RE.exec(s) ?? DATE_ZH_RE.exec(s);
  if (m) return m.length === 5 ? ymd(m[1]!, m[3]!, m[4]!) : ymd(m[1]!, m[2]!, m[3]!);
  m = DATE_COMPACT_RE.exec(s);
  if (m) return ymd(m[1]!, m[2]!, m[3]!);
  if (DATE_DAY_FIRST_RE.test(s)) return bad('V03', 'year first (2024-03-05): day/month order is ambiguous');
  return bad('V03', DATE_EXPECTED);
}

const YEAR_EXPECTED = 'a year 2000–2100 (2024 / 2024年 / 2024年度)';

export function parseYear(c: Cell): Parsed<number> {
  let y: number;
  if (typeof c === 'number') y = c;
  else if (typeof c === 'string') {
    const m = /^(\d{4})\s*(?:年度?)?$/.exec(foldFullWidth(c).trim());
    if (!m) return bad('V02', YEAR_EXPECTED);
    y = +m[1]!;
  } else return bad('V02', YEAR_EXPECTED);
  return Number.isInteger(y) && y >= 2000 && y <= 2100 ? ok(y) : bad('V02', YEAR_EXPECTED);
}

/** Text and code cells: numbers as written, dates as ISO, full-width folded, trimmed. */
export function parseText(c: Cell): Parsed<string> {
  if (c !== null && typeof c === 'object') {
    if (c.kind === 'error') return bad('V02', 'text, not an Excel error value');
    return ok(rawText(c));
  }
  return ok(foldFullWidth(String(c)).trim());
}

export function parseEnum(name: EnumName, c: Cell): Parsed<string> {
  if (typeof c !== 'string') return bad('V04', `one of the ${name} values (values.md)`);
  const v = lookupEnum(name, c);
  return v ? ok(v) : bad('V04', ENUM_EXPECTED[name]);
}

const ENUM_EXPECTED: Record<EnumName, string> = {
  method: '公开招标/邀请招标/竞争性谈判/竞争性磋商/单一来源/询价/网上询价/协议采购/自行采购/其他',
  asset_status: '在用/维修/闲置/出借/调出/待报废/报废',
  event: '入库/维修/调配/归还/盘点/报废',
};

/** Econ-class names matched loosely: folded, no spaces, and also without a bracketed part (维修费). */
function econNameKeys(name: string): string[] {
  const k = foldForMatch(name);
  const short = k.replace(/\([^)]*\)/g, '');
  return short !== k ? [k, short] : [k];
}

/**
 * Name → its codes. One name can stand under two classes (办公设备购置 is 30902 in 基本建设 and 31002
 * in 资本性支出): with its code it is either; alone it is the later one, the ordinary department
 * budget's (310 over 309, in code order).
 */
const econIndexCache = new WeakMap<ReferenceData, Map<string, string[]>>();
function econIndex(ref: ReferenceData): Map<string, string[]> {
  let idx = econIndexCache.get(ref);
  if (!idx) {
    idx = new Map();
    for (const [code, name] of Object.entries(ref.econ_classes).sort(([a], [b]) => a.localeCompare(b))) {
      for (const k of econNameKeys(name)) idx.set(k, [...(idx.get(k) ?? []), code]);
    }
    econIndexCache.set(ref, idx);
  }
  return idx;
}

/** `30201`, `办公费`, `30201 办公费` or `30201-办公费` → the 5-digit code. */
export function parseEconClass(c: Cell, ref: ReferenceData): Parsed<string> {
  const expected = 'a known economic class: a 5-digit code and/or its name (30201 办公费)';
  let s: string;
  if (typeof c === 'number') s = String(c);
  else if (typeof c === 'string') s = foldFullWidth(c).trim();
  else return bad('V04', expected);
  const m = /^(\d{5})(?:\s*[-—_:.、\s]\s*|(?=[^\d]))?(.*)$/.exec(s);
  if (m) {
    const code = m[1]!;
    const known = ref.econ_classes[code];
    if (known === undefined) return bad('V04', expected);
    const name = m[2]!.trim();
    if (name === '' || econIndex(ref).get(foldForMatch(name))?.includes(code)) return ok(code);
    return bad('V04', `${code} ${known}`);
  }
  const codes = econIndex(ref).get(foldForMatch(s));
  return codes ? ok(codes[codes.length - 1]!) : bad('V04', expected);
}

export type FieldValue = string | number;

/**
 * Results kept by cell text (or date serial): a ledger repeats its dates, prices, quantities and
 * methods row after row, and reading the same text again gives the same result. Callers never
 * change a result, so one object serves every row. Bounded: a full table starts afresh.
 */
class Memo<K> {
  private readonly m = new Map<K, Parsed<FieldValue>>();
  constructor(private readonly parse: (c: K) => Parsed<FieldValue>) {}

  get(c: K): Parsed<FieldValue> {
    let r = this.m.get(c);
    if (r === undefined) {
      r = this.parse(c);
      if (this.m.size >= 4096) this.m.clear();
      this.m.set(c, r);
    }
    return r;
  }
}

const MEMO = {
  dateText: new Memo<string>(parseDate),
  dateSerial: new Memo<number>((serial) => parseDate({ kind: 'date', serial })),
  yuan: new Memo<string>((c) => parseMoney(c, '元')),
  wan: new Memo<string>((c) => parseMoney(c, '万元')),
  qty: new Memo<string>(parseQty),
};
const ENUM_MEMO = Object.fromEntries(Object.keys(ENUMS).map((name) => [name, new Memo<string>((c) => parseEnum(name as EnumName, c))])) as Record<EnumName, Memo<string>>;

/** Parses one cell for a field type. The cell is known to be non-empty. */
export function parseCell(type: FieldType, c: Cell, ref: ReferenceData, unit: MoneyUnit): Parsed<FieldValue> {
  switch (type) {
    case 'text':
    case 'code':
      return parseText(c);
    case 'money':
      if (typeof c === 'string') return (unit === '万元' ? MEMO.wan : MEMO.yuan).get(c);
      if (c !== null && typeof c === 'object') return bad('V02', MONEY_EXPECTED);
      return parseMoney(c, unit);
    case 'qty':
      if (typeof c === 'string') return MEMO.qty.get(c);
      if (c !== null && typeof c === 'object') return bad('V02', QTY_EXPECTED);
      return parseQty(c);
    case 'date':
      if (typeof c === 'string') return MEMO.dateText.get(c);
      if (c !== null && typeof c === 'object' && c.kind === 'date') return MEMO.dateSerial.get(c.serial);
      return parseDate(c);
    case 'year':
      if (c !== null && typeof c === 'object') return bad('V02', YEAR_EXPECTED);
      return parseYear(c);
    case 'enum:econ_class':
      return parseEconClass(c, ref);
    default:
      return typeof c === 'string' ? ENUM_MEMO[type.slice(5) as EnumName].get(c) : parseEnum(type.slice(5) as EnumName, c);
  }
}
