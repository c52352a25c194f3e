/**
 * The directory of a ZIP file (the container of .xlsx, .xlsm and .ods) and its entries' bytes.
 * Written here rather than taken whole from a library because a part must be inflated by the
 * platform's inflate (Node's zlib is several times faster than any JavaScript inflate) and only
 * when it is wanted; the inflate itself is injected (fflate in a browser).
 */
import { ReadError } from './read-error';

/** Raw DEFLATE → bytes; `size` is the entry's declared uncompressed size, never exceeded. */
export type Inflate = (compressed: Uint8Array, size: number) => Uint8Array;

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly encrypted: boolean;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const FULL32 = 0xffffffff;

/** The largest part inflated: a sheet's XML beyond it is refused rather than exhausting memory. */
export const MAX_PART_BYTES = 1_600_000_000;

export class ZipArchive {
  private readonly entries = new Map<string, ZipEntry>();

  constructor(
    readonly bytes: Uint8Array,
    private readonly inflate: Inflate,
  ) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const end = findEndRecord(view);
    let count = view.getUint16(end + 10, true);
    let cdOffset = view.getUint32(end + 16, true);
    if (cdOffset === FULL32 || count === 0xffff) {
      // ZIP64: the real figures are in the ZIP64 end record, found through its locator.
      const loc = end - 20;
      if (loc < 0 || view.getUint32(loc, true) !== EOCD64_LOCATOR) throw new ReadError('damaged');
      const rec = u64(view, loc + 8);
      if (rec + 56 > bytes.length || view.getUint32(rec, true) !== EOCD64) throw new ReadError('damaged');
      count = u64(view, rec + 32);
      cdOffset = u64(view, rec + 48);
    }
    const utf8 = new TextDecoder('utf-8');
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL) throw new ReadError('damaged');
      const flags = view.getUint16(p + 8, true);
      const method = view.getUint16(p + 10, true);
      let compressedSize = view.getUint32(p + 20, true);
      let size = view.getUint32(p + 24, true);
      const nameLen = view.getUint16(p + 28, true);
      const extraLen = view.getUint16(p + 30, true);
      const commentLen = view.getUint16(p + 32, true);
      let localOffset = view.getUint32(p + 42, true);
      const name = utf8.decode(bytes.subarray(p + 46, p + 46 + nameLen));
      // ZIP64 extra field: the 64-bit sizes and offset, present only for the fields set to 0xFFFFFFFF.
      for (let e = p + 46 + nameLen, eEnd = e + extraLen; e + 4 <= eEnd; ) {
        const id = view.getUint16(e, true);
        const len = view.getUint16(e + 2, true);
        if (id === 1) {
          let q = e + 4;
          if (size === FULL32) { size = u64(view, q); q += 8; }
          if (compressedSize === FULL32) { compressedSize = u64(view, q); q += 8; }
          if (localOffset === FULL32) localOffset = u64(view, q);
        }
        e += 4 + len;
      }
      const entry: ZipEntry = { name, method, encrypted: (flags & 1) === 1, compressedSize, size, localOffset };
      this.entries.set(normalise(name), entry);
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  names(): string[] {
    return [...this.entries.values()].map((e) => e.name);
  }

  /** Part names are case-insensitive in OPC, and some writers put a leading slash. */
  has(name: string): boolean {
    return this.entries.has(normalise(name));
  }

  entry(name: string): ZipEntry | undefined {
    return this.entries.get(normalise(name));
  }

  /** The entry's uncompressed bytes, or undefined when there is no such entry. */
  read(name: string): Uint8Array | undefined {
    const e = this.entries.get(normalise(name));
    if (!e) return undefined;
    if (e.encrypted) throw new ReadError('password');
    if (e.size > MAX_PART_BYTES) throw new ReadError('tooLarge');
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const h = e.localOffset;
    if (h + 30 > this.bytes.length || view.getUint32(h, true) !== LOCAL) throw new ReadError('damaged');
    const start = h + 30 + view.getUint16(h + 26, true) + view.getUint16(h + 28, true);
    const data = this.bytes.subarray(start, start + e.compressedSize);
    if (data.length !== e.compressedSize) throw new ReadError('damaged');
    if (e.method === 0) return data;
    if (e.method !== 8) throw new ReadError('damaged');
    let out: Uint8Array;
    try {
      out = this.inflate(data, e.size);
    } catch {
      throw new ReadError('damaged');
    }
    if (out.length !== e.size) throw new ReadError('damaged');
    return out;
  }

  /** The entry as text (UTF-8, a BOM dropped), or undefined. */
  text(name: string): string | undefined {
    const b = this.read(name);
    return b === undefined ? undefined : new TextDecoder('utf-8').decode(b);
  }
}

function normalise(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

function u64(view: DataView, at: number): number {
  return view.getUint32(at + 4, true) * 0x1_0000_0000 + view.getUint32(at, true);
}

function findEndRecord(view: DataView): number {
  // The end record is the last 22 bytes plus a comment of at most 65,535 bytes.
  const stop = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let p = view.byteLength - 22; p >= stop; p--) {
    if (view.getUint32(p, true) === EOCD) return p;
  }
  throw new ReadError('damaged');
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}
