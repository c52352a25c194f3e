import { visibleText } from '../text';

/** Text for XML content and attributes: escaped, and without the control characters XML 1.0 forbids. */
export function xmlText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * A cell's text from a ledger as a sheet shows it: control characters and lone surrogates written
 * as `\u001b` (shared/text.ts), so the reader sees them instead of losing them; line breaks kept.
 */
export function sheetText(s: string): string {
  return xmlText(visibleText(s.indexOf('\r') >= 0 ? s.replace(/\r\n?/g, '\n') : s));
}
