/** Text normalisation shared by header matching and value parsing. */

/** Full-width ASCII (！ … ～, U+FF01–FF5E) and the ideographic space fold to half-width. */
export function foldFullWidth(s: string): string {
  // Fast path: most cells are plain ASCII or CJK without full-width forms.
  if (!/[\uFF01-\uFF5E\u3000]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += s[i];
  }
  return out;
}

const PLACEHOLDERS = new Set(['-', '—', '/', '无', '－', '／', '——']);

function isSpaceCode(c: number): boolean {
  return c <= 0x20 || c === 0xa0 || c === 0x3000 || c === 0xfeff || (c >= 0x2000 && c <= 0x200b);
}

/** Empty per values.md: blank, whitespace, or a lone placeholder (`-`, `—`, `/`, `无`). */
export function isBlankText(s: string): boolean {
  // Most cells: longer than any placeholder and not padded, so nothing to trim.
  if (s.length > 2 && !isSpaceCode(s.charCodeAt(0)) && !isSpaceCode(s.charCodeAt(s.length - 1))) return false;
  const t = s.trim();
  return t === '' || PLACEHOLDERS.has(t);
}

/** Text as compared for enumerations: folded, trimmed, no inner spaces or underscores, lower-case. */
export function foldForMatch(s: string): string {
  return foldFullWidth(s).replace(/[\s_*]+/g, '').toLowerCase();
}

// Control characters (C0 but tab and line feed, DEL, C1), bidirectional overrides, and halves of a
// character (lone UTF-16 surrogates); a well-formed pair is matched first and kept.
const UNSAFE_RE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/g;
const UNSAFE_TEST_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/;

/**
 * Text as it may reach a terminal, a sheet or a log: each character that would steer a terminal
 * (ESC, CR, backspace), reorder a line (U+202E) or break the file (a lone surrogate) is written as
 * `\u001b`: shown, never obeyed. Inside a JSON string that spelling means the same character.
 */
export function visibleText(s: string): string {
  if (!UNSAFE_TEST_RE.test(s)) return s;
  return s.replace(UNSAFE_RE, (m) => (m.length === 2 ? m : '\\u' + ('000' + m.charCodeAt(0).toString(16)).slice(-4)));
}

/**
 * Why a text cannot be stored exactly as given, or null: a NUL (no SQL text holds it) or half of a
 * character (a lone UTF-16 surrogate, which UTF-8 cannot encode: it would come back as U+FFFD).
 */
export function unstorableText(s: string): 'nul' | 'lone_surrogate' | null {
  if (!/[\u0000\uD800-\uDFFF]/.test(s)) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return 'nul';
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
      else return 'lone_surrogate';
    }
  }
  return null;
}
