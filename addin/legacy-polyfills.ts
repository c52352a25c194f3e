/**
 * What EdgeHTML 18 (Office 2016/2019 on Windows) lacks and the shared core uses, defined only where
 * missing: Object.fromEntries, Array.prototype.flat and flatMap, String.prototype.matchAll. Loaded
 * before anything else by the pane (the bundle's other syntax is lowered to ES2017 by esbuild).
 */
/* eslint-disable no-extend-native */
const O = Object as unknown as { fromEntries?: (it: Iterable<readonly [PropertyKey, unknown]>) => object };
if (typeof O.fromEntries !== 'function') {
  O.fromEntries = (it) => {
    const out: Record<PropertyKey, unknown> = {};
    for (const [k, v] of it) out[k as string] = v;
    return out;
  };
}

const A = Array.prototype as unknown as { flat?: unknown; flatMap?: unknown };
if (typeof A.flat !== 'function') {
  Object.defineProperty(Array.prototype, 'flat', {
    configurable: true,
    writable: true,
    value: function flat(this: unknown[], depth = 1): unknown[] {
      const out: unknown[] = [];
      const add = (xs: unknown[], d: number) => {
        for (const x of xs) if (Array.isArray(x) && d > 0) add(x, d - 1); else out.push(x);
      };
      add(this, depth);
      return out;
    },
  });
}
if (typeof A.flatMap !== 'function') {
  Object.defineProperty(Array.prototype, 'flatMap', {
    configurable: true,
    writable: true,
    value: function flatMap(this: unknown[], f: (x: unknown, i: number, a: unknown[]) => unknown, self?: unknown): unknown[] {
      const out: unknown[] = [];
      this.forEach((x, i, a) => {
        const y = f.call(self, x, i, a);
        if (Array.isArray(y)) out.push(...y); else out.push(y);
      });
      return out;
    },
  });
}

const S = String.prototype as unknown as { matchAll?: unknown };
if (typeof S.matchAll !== 'function') {
  Object.defineProperty(String.prototype, 'matchAll', {
    configurable: true,
    writable: true,
    value: function matchAll(this: string, re: RegExp): IterableIterator<RegExpExecArray> {
      const g = new RegExp(re.source, re.flags.indexOf('g') >= 0 ? re.flags : re.flags + 'g');
      const all: RegExpExecArray[] = [];
      for (let m = g.exec(this); m; m = g.exec(this)) {
        all.push(m);
        if (m[0] === '') g.lastIndex++;
      }
      return all[Symbol.iterator]();
    },
  });
}

/**
 * UTF-8 decoding, which EdgeHTML 18 lacks: the pane reads the workbook's own file (merged ranges on
 * Excel 2016/2019, shared/read/package-merges.ts), whose parts are UTF-8. Malformed bytes become
 * U+FFFD, as the standard decoder does when not fatal; other encodings are not needed in the pane.
 */
export function decodeUtf8(b: Uint8Array): string {
  // The WHATWG decoder's steps: a malformed sequence's longest valid start is one U+FFFD.
  const units: number[] = [];
  let out = '';
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  const emit = (c: number) => {
    if (c > 0xffff) units.push(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff));
    else units.push(c);
    // Joined in blocks: String.fromCharCode takes only so many arguments.
    if (units.length >= 8192) out += String.fromCharCode(...units.splice(0));
  };
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (needed === 0) {
      if (x <= 0x7f) emit(x);
      else if (x >= 0xc2 && x <= 0xdf) { needed = 1; cp = x & 0x1f; }
      else if (x >= 0xe0 && x <= 0xef) { if (x === 0xe0) lower = 0xa0; if (x === 0xed) upper = 0x9f; needed = 2; cp = x & 0xf; }
      else if (x >= 0xf0 && x <= 0xf4) { if (x === 0xf0) lower = 0x90; if (x === 0xf4) upper = 0x8f; needed = 3; cp = x & 0x7; }
      else emit(0xfffd);
      continue;
    }
    if (x < lower || x > upper) {
      needed = seen = cp = 0;
      lower = 0x80;
      upper = 0xbf;
      emit(0xfffd);
      i--; // the byte starts anew
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (x & 0x3f);
    if (++seen === needed) {
      emit(cp);
      needed = seen = cp = 0;
    }
  }
  if (needed !== 0) emit(0xfffd);
  return out + String.fromCharCode(...units);
}

// EdgeHTML 18 has no globalThis either; the pane is a window.
const G = (typeof window !== 'undefined' ? window : {}) as unknown as { TextDecoder?: unknown };
if (typeof window !== 'undefined' && typeof G.TextDecoder !== 'function') {
  G.TextDecoder = class {
    readonly encoding = 'utf-8';
    constructor(label = 'utf-8', opts?: { fatal?: boolean }) {
      if (!/^utf-?8$/i.test(label) || opts?.fatal) throw new RangeError(`TextDecoder: only non-fatal utf-8 here, not ${label}`);
    }
    decode(b?: ArrayBufferView | ArrayBuffer): string {
      if (!b) return '';
      return decodeUtf8(b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    }
  };
}

