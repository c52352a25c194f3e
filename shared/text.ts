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
