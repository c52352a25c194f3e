/**
 * Money is integer fen (分) behind a named type. Amounts of public bodies stay far below
 * Number.MAX_SAFE_INTEGER fen (about 90 trillion yuan), so a plain integer number is exact.
 */
export type Fen = number & { readonly __unit: 'fen' };

/** The two conversions between the outside world's yuan strings and fen. */
export function fenFromYuanString(yuan: string): Fen | null {
  const d = parseDecimal(yuan);
  return d === null ? null : decimalToFen(d, 0);
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
 * Compares a money amount with quantity × unit price exactly.
 * Returns amount − qty × price in fen as a rational over 10^scale, so that the 0.01-yuan tolerance
 * can be tested without binary rounding.
 */
export function amountMinusProduct(amount: Fen, qty: number, price: Fen): { diff: bigint; scale: number } {
  const q = decimalOfNumber(qty)!;
  const qInt = BigInt((q.negative ? '-' : '') + (q.scale < 0 ? q.digits + '0'.repeat(-q.scale) : q.digits));
  const scale = Math.max(q.scale, 0);
  const product = qInt * BigInt(price);
  return { diff: BigInt(amount) * 10n ** BigInt(scale) - product, scale };
}

/** qty × unit price rounded half away from zero to the fen (a plan's implied amount). */
export function productFen(qty: number, price: Fen): Fen {
  const q = decimalOfNumber(qty)!;
  const digits = (BigInt(q.scale < 0 ? q.digits + '0'.repeat(-q.scale) : q.digits) * BigInt(Math.abs(price))).toString();
  const neg = q.negative !== price < 0;
  return decimalToFen({ negative: neg, digits, scale: Math.max(q.scale, 0) + 2 }, 0) ?? (NaN as Fen);
}
