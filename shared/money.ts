/**
 * Money is integer fen (分) behind a named type. Amounts of public bodies stay far below
 * Number.MAX_SAFE_INTEGER fen (about 90 trillion yuan), so a plain integer number is exact; a total
 * that would pass it is refused (exactFen), not rounded.
 */
import { SaidError } from './said-error';

export type Fen = number & { readonly __unit: 'fen' };

/**
 * What one cell of a ledger can hold: less than 10^12 yuan (a trillion; a whole province's budget
 * is far less). A cell at or past it is a typing slip or a hostile file, and is V02 (values.md), so
 * that no sum of a ledger's cells comes near the limit of exact integers.
 */
export const LEDGER_MONEY_LIMIT_FEN = 1e14;
/** The same bound for a quantity: less than 10^12 units. */
export const LEDGER_QTY_LIMIT = 1e12;

/** The two conversions between the outside world's yuan strings and fen. */
export function fenFromYuanString(yuan: string): Fen | null {
  const d = parseDecimal(yuan);
  return d === null ? null : decimalToFen(d, 0);
}

/** Digits grouped in threes (`1203` → `1,203`), without Intl: the pane's older webviews group differently. */
export function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, ',');
}

/** A decimal yuan string as the sheets show money (`365000` → `365,000.00`); null when it is not one. */
export function yuanText(yuan: string): string | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(yuan);
  return m ? `${m[1]}${groupThousands(m[2]!)}.${((m[3] ?? '') + '00').slice(0, 2)}` : null;
}

/** `"12345.60"`: the contract's decimal string with two decimals. */
export function fenToYuanString(fen: Fen | number): string {
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${neg ? '-' : ''}${yuan}.${cents < 10 ? '0' : ''}${cents}`;
}

/** A decimal number as digits and a power of ten: value = sign × int × 10^-scale. */
export interface Decimal {
  negative: boolean;
  /** The digits without the point, no sign. */
  digits: string;
  /** How many of the digits stand after the decimal point (may be negative after an exponent). */
  scale: number;
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Reads `-1234.5`, `0.1`, `1e-7`, `12.` exactly; null for anything else. */
export function parseDecimal(s: string): Decimal | null {
  const m = DECIMAL_RE.exec(s);
  if (!m) return null;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  if (intPart === '' && fracPart === '') return null;
  const exp = m[4] ? parseInt(m[4], 10) : 0;
  return { negative: m[1] === '-', digits: (intPart + fracPart).replace(/^0+(?=\d)/, ''), scale: fracPart.length - exp };
}

/** The exact decimal of a finite JS number (its shortest round-trip form). */
export function decimalOfNumber(n: number): Decimal | null {
  return Number.isFinite(n) ? parseDecimal(String(n)) : null;
}

/**
 * Decimal × 10^shift in fen, rounded half away from zero (the usual 四舍五入 on both signs).
 * Null when the amount is too large to be exact.
 */
export function decimalToFen(d: Decimal, shift: number): Fen | null {
  // fen = value × 100 × 10^shift = digits × 10^(2 + shift - scale)
  const e = 2 + shift - d.scale;
  let digits = d.digits;
  let roundUp = false;
  if (e >= 0) {
    digits = digits + '0'.repeat(e);
  } else {
    const keep = digits.length + e;
    if (keep <= 0) {
      roundUp = keep === 0 && digits[0] !== undefined && digits[0] >= '5';
      digits = '0';
    } else {
      roundUp = digits[keep]! >= '5';
      digits = digits.slice(0, keep);
    }
  }
  let n = Number(digits) + (roundUp ? 1 : 0);
  if (!Number.isSafeInteger(n)) return null;
  if (d.negative && n !== 0) n = -n;
  return n as Fen;
}

/** A total past Number.MAX_SAFE_INTEGER fen (about 90 trillion yuan) is no longer exact: refused, never rounded. */
export class MoneyRangeError extends SaidError {}

/** `n` as exact fen, or the refusal: sums of money go through here before anyone reads them. */
export function exactFen(n: number): Fen {
  if (Number.isSafeInteger(n)) return n as Fen;
  throw new MoneyRangeError({
    zh: '金额合计超出可精确计算的范围（约 90 万亿元），未生成分析：请检查台账中是否有金额多写了位数，或金额单位（元/万元）标错',
    en: 'a money total is beyond what can be computed exactly (about 90 trillion yuan), so no analysis was made: check the ledgers for an amount with extra digits or a wrong unit (yuan/万元)',
  });
}

/** Fen of a yuan amount held in a JS number, exact to its written decimals. */
export function fenOfNumber(n: number, shift = 0): Fen | null {
  if (shift === 0) {
    // Fast path: a value with at most two decimals is exactly its product rounded.
    const v = n * 100;
    const r = Math.round(v);
    if (Math.abs(v - r) < 1e-7 && Number.isSafeInteger(r)) return (r === 0 ? 0 : r) as Fen;
  }
  const d = decimalOfNumber(n);
  return d === null ? null : decimalToFen(d, shift);
}

/**
 * Whether amount and quantity × unit price differ by more than 0.01 yuan, exactly: the product is
 * taken in decimal digits, so neither binary rounding nor BigInt is needed (EdgeHTML, where the
 * add-in runs on Office 2016/2019, has no BigInt).
 */
export function differsByMoreThanAFen(amount: Fen, qty: number, price: Fen): boolean {
  const q = decimalOfNumber(qty)!;
  const scale = Math.max(q.scale, 0);
  // Everything in units of 10^-scale fen: amount·10^scale against qty·10^scale × price.
  const product = { negative: q.negative !== price < 0, digits: mulDigits(wholeDigits(q), String(Math.abs(price))) };
  const scaled = { negative: amount < 0, digits: String(Math.abs(amount)) + '0'.repeat(scale) };
  const diff = subSigned(scaled, product);
  return compareDigits(diff, '1' + '0'.repeat(scale)) > 0;
}

/**
 * qty × unit price rounded half away from zero to the fen (a plan's implied amount), or null when
 * the product is not a ledger amount (LEDGER_MONEY_LIMIT_FEN or more): never NaN.
 */
export function productFen(qty: number, price: Fen): Fen | null {
  const q = decimalOfNumber(qty);
  if (q === null) return null;
  const digits = mulDigits(wholeDigits(q), String(Math.abs(price)));
  const neg = q.negative !== price < 0;
  const f = decimalToFen({ negative: neg, digits, scale: Math.max(q.scale, 0) + 2 }, 0);
  return f === null || Math.abs(f) >= LEDGER_MONEY_LIMIT_FEN ? null : f;
}

/** The decimal's digits as a whole number (its value × 10^max(scale, 0)). */
function wholeDigits(d: Decimal): string {
  return d.scale < 0 ? d.digits + '0'.repeat(-d.scale) : d.digits;
}

/** Product of two non-negative whole numbers written in decimal digits, in 7-digit limbs. */
export function mulDigits(a: string, b: string): string {
  const limbs = (s: string) => {
    const out: number[] = [];
    for (let end = s.length; end > 0; end -= 7) out.push(Number(s.slice(Math.max(0, end - 7), end)));
    return out;
  };
  const x = limbs(a);
  const y = limbs(b);
  const r = new Array<number>(x.length + y.length).fill(0);
  for (let i = 0; i < x.length; i++) {
    let carry = 0;
    for (let j = 0; j < y.length; j++) {
      const t = r[i + j]! + x[i]! * y[j]! + carry; // < 2^53: limbs below 10^7
      carry = Math.floor(t / 1e7);
      r[i + j] = t - carry * 1e7;
    }
    r[i + y.length] = r[i + y.length]! + carry;
  }
  let s = '';
  for (let i = r.length - 1; i >= 0; i--) s += String(r[i]).padStart(7, '0');
  return s.replace(/^0+(?=\d)/, '');
}

/** Compares two non-negative whole numbers in decimal digits. */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0;
}

/** |x − y| of two signed whole numbers in digits. */
function subSigned(x: { negative: boolean; digits: string }, y: { negative: boolean; digits: string }): string {
  // Opposite signs: the magnitudes add; same signs: they subtract.
  return x.negative !== y.negative ? addDigits(x.digits, y.digits) : compareDigits(x.digits, y.digits) >= 0 ? subDigits(x.digits, y.digits) : subDigits(y.digits, x.digits);
}

function addDigits(a: string, b: string): string {
  let out = '';
  let carry = 0;
  for (let i = a.length - 1, j = b.length - 1; i >= 0 || j >= 0 || carry; i--, j--) {
    const t = (i >= 0 ? a.charCodeAt(i) - 48 : 0) + (j >= 0 ? b.charCodeAt(j) - 48 : 0) + carry;
    carry = t >= 10 ? 1 : 0;
    out = String(t % 10) + out;
  }
  return out || '0';
}

/** a − b for a ≥ b. */
function subDigits(a: string, b: string): string {
  let out = '';
  let borrow = 0;
  for (let i = a.length - 1, j = b.length - 1; i >= 0; i--, j--) {
    let t = a.charCodeAt(i) - 48 - (j >= 0 ? b.charCodeAt(j) - 48 : 0) - borrow;
    borrow = t < 0 ? 1 : 0;
    if (t < 0) t += 10;
    out = String(t) + out;
  }
  return out.replace(/^0+(?=\d)/, '');
}
