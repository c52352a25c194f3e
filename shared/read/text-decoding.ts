/**
 * The encoding of a text file (CSV, HTML saved as .xls): a byte-order mark says it; else UTF-8 when
 * every byte sequence is valid UTF-8; else GB18030 (a superset of GBK and GB2312) when it decodes
 * without a fault; else the file is refused — never decoded by a guess that could garble it.
 */
import { ReadError } from './read-error';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/** Text larger than this is refused (a JavaScript string holds at most about 512 M characters). */
const MAX_TEXT_BYTES = 500_000_000;

export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  if (bytes.length > MAX_TEXT_BYTES) throw new ReadError('tooLarge', { limit: 'text' });
  const b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { text: decode('utf-8', b.subarray(3)), encoding: 'utf-8' };
  if (b[0] === 0xff && b[1] === 0xfe) return { text: decode('utf-16le', b.subarray(2)), encoding: 'utf-16le' };
  if (b[0] === 0xfe && b[1] === 0xff) return { text: decode('utf-16be', b.subarray(2)), encoding: 'utf-16be' };
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    try {
      return { text: new TextDecoder(encoding, { fatal: true }).decode(b), encoding };
    } catch {
      // not this one
    }
  }
  throw new ReadError('unknownEncoding');
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
