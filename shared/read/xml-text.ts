/**
 * The little XML the readers need: a start tag's attributes, entity and `_xHHHH_` decoding, byte
 * search. Workbook parts are machine-written XML, so a scan with indexOf is enough and far cheaper
 * than a DOM (see docs/decisions.md, "Reading workbooks").
 */

/** Attributes of one start tag (`<x:sheet name="a" r:id="rId1"/>`), names as written, values decoded. */
export function tagAttributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([\w.:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
  const start = tag.search(/\s/);
  if (start < 0) return out;
  re.lastIndex = start;
  for (let m = re.exec(tag); m; m = re.exec(tag)) out.set(m[1]!, decodeXml(m[3] ?? m[4] ?? ''));
  return out;
}

/** An attribute by local name, whatever its prefix (`r:id`, `id`). */
export function attr(attrs: Map<string, string>, local: string): string | undefined {
  const direct = attrs.get(local);
  if (direct !== undefined) return direct;
  for (const [k, v] of attrs) if (k.endsWith(':' + local)) return v;
  return undefined;
}

/** Every start tag of elements with this local name (any namespace prefix), in document order. */
export function startTags(xml: string, local: string): string[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${local}(?=[\\s/>])[^>]*>`, 'g');
  return xml.match(re) ?? [];
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXml(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (m, e: string) => {
    if (e[0] !== '#') return ENTITY[e]!;
    const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
  });
}

/**
 * Text content as an XML parser gives it: line ends written literally are one `\n` (XML's
 * end-of-line rule), then entities; OOXML escapes characters XML cannot hold as `_xHHHH_`
 * (`_x000D_` is a carriage return).
 */
export function decodeXstring(s: string): string {
  const t = decodeXml(s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n'));
  if (t.indexOf('_x') < 0) return t;
  return t.replace(/_x([0-9a-fA-F]{4})_/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * The text of a string item (`<si>`, `<is>`) between `from` and `to`: its `<t>` runs joined, in
 * any namespace prefix; phonetic runs (`<rPh>`, Japanese readings) left out.
 */
export function runText(xml: string, from = 0, to = xml.length): string {
  let out = '';
  for (let i = xml.indexOf('<', from); i >= 0 && i < to; i = xml.indexOf('<', i + 1)) {
    let j = i + 1;
    const gt = xml.indexOf('>', j);
    if (gt < 0) break;
    // Skip a namespace prefix: the name's characters up to a colon.
    let k = j;
    while (k < gt && isNameChar(xml.charCodeAt(k)) && xml.charCodeAt(k) !== 58) k++;
    if (xml.charCodeAt(k) === 58) j = k + 1;
    const c = xml.charCodeAt(j);
    if (c === 114 && xml.startsWith('rPh', j) && !isNameChar(xml.charCodeAt(j + 3))) {
      const end = xml.indexOf('rPh>', gt);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (c !== 116 || isNameChar(xml.charCodeAt(j + 1)) || xml.charCodeAt(gt - 1) === 47) continue;
    if (xml.startsWith('<![CDATA[', gt + 1)) {
      // CDATA is taken as it stands: no entities, no escapes.
      const end = xml.indexOf(']]>', gt + 10);
      if (end < 0 || end > to) break;
      out += encodeCdata(xml.slice(gt + 10, end));
      i = end;
      continue;
    }
    const close = xml.indexOf('<', gt + 1);
    if (close < 0 || close > to) break;
    out += xml.slice(gt + 1, close);
    i = close;
  }
  return decodeXstring(out);
}

/** CDATA text joins the other runs before they are decoded: its `&` and `_x` must survive that. */
function encodeCdata(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/_x([0-9a-fA-F]{4})_/g, '_x005F_x$1_');
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46 || c === 58;
}

/** First index of an ASCII needle in bytes at or after `from`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: string, from = 0): number {
  const first = needle.charCodeAt(0);
  const n = needle.length;
  for (let i = hay.indexOf(first, from); i >= 0 && i + n <= hay.length; i = hay.indexOf(first, i + 1)) {
    let k = 1;
    while (k < n && hay[i + k] === needle.charCodeAt(k)) k++;
    if (k === n) return i;
  }
  return -1;
}

/** Last index of an ASCII needle in bytes that starts at or before `from`, or -1. */
export function lastIndexOfBytes(hay: Uint8Array, needle: string, from = hay.length - needle.length): number {
  const first = needle.charCodeAt(0);
  const n = needle.length;
  for (let i = hay.lastIndexOf(first, from); i >= 0; i = i === 0 ? -1 : hay.lastIndexOf(first, i - 1)) {
    let k = 1;
    while (k < n && hay[i + k] === needle.charCodeAt(k)) k++;
    if (k === n) return i;
  }
  return -1;
}
