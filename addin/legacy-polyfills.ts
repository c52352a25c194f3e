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

export {};
