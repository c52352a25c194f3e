/**
 * The encoding of a text file (CSV, HTML saved as .xls): a byte-order mark says it; else UTF-8 when
 * every byte sequence is valid UTF-8; else the encoding an XML or HTML file declares; else GB18030
 * (a superset of GBK and GB2312) when it decodes without a fault; else the file is refused — never
 * decoded by a guess that could garble it.
 */
import { ReadError } from './read-error';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | string;

/** Text larger than this is refused (a JavaScript string holds at most about 512 M characters). */
const MAX_TEXT_BYTES = 500_000_000;

export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  if (bytes.length > MAX_TEXT_BYTES) throw new ReadError('tooLarge', { limit: 'text' });
  const b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { text: decode('utf-8', b.subarray(3)), encoding: 'utf-8' };
  if (b[0] === 0xff && b[1] === 0xfe) return { text: decode('utf-16le', b.subarray(2)), encoding: 'utf-16le' };
  if (b[0] === 0xfe && b[1] === 0xff) return { text: decode('utf-16be', b.subarray(2)), encoding: 'utf-16be' };
  // Valid UTF-8 is UTF-8 (other encodings' Chinese is almost never valid UTF-8, and pages that
  // declare GBK while holding UTF-8 are common); else XML and HTML say their encoding
  // (`<?xml … encoding="GBK"?>`, `<meta charset="gb2312">`), taken as said; else GB18030.
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(b), encoding: 'utf-8' };
  } catch {
    // not UTF-8
  }
  const declared = declaredEncoding(b);
  if (declared !== undefined) return { text: decode(declared, b), encoding: declared };
  try {
    return { text: new TextDecoder('gb18030', { fatal: true }).decode(b), encoding: 'gb18030' };
  } catch {
    // nor GB18030
  }
  throw new ReadError('unknownEncoding');
}

function declaredEncoding(b: Uint8Array): string | undefined {
  const head = String.fromCharCode(...b.subarray(0, 1024)).toLowerCase();
  if (!head.trimStart().startsWith('<')) return undefined;
  const m = /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/.exec(head) ?? /<meta[^>]*charset\s*=\s*["']?([\w.:-]+)/.exec(head);
  if (!m) return undefined;
  try {
    return new TextDecoder(m[1]!).encoding; // the WHATWG name: gb2312 and gbk are decoded as gbk
  } catch {
    return undefined; // a name no decoder knows: detected as any text is
  }
}

function decode(encoding: TextEncoding, b: Uint8Array): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(b);
  } catch {
    throw new ReadError('unknownEncoding');
  }
}

/** Whether bytes look like text rather than a binary file: no NUL and few control bytes in the first 4 KB. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return true;
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return true;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32 && c !== 27)) control++;
  }
  return control <= n / 100;
}
