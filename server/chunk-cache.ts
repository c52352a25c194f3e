/**
 * What the service has already made of each chunk of an open push, kept in memory between upload
 * and commit: its canonical text (for the content hash) and its rows parsed and checked one by one.
 * The commit then does only the ledger-wide work. Only a cache: the chunks are stored in the
 * database too, and a commit after a restart (or on another instance) reads them from there.
 */
import { ParsedSheet } from '../shared/validate';

export interface ReadChunk {
  rowCount: number;
  canonical: Buffer;
  /** By source sheet index; sparse. */
  parsed: ParsedSheet[];
}

export class ChunkCache {
  private readonly pushes = new Map<string, Map<number, ReadChunk>>();
  private rows = 0;

  /** At most this many rows are held across all open pushes; beyond it, the oldest pushes go. */
  constructor(private readonly maxRows = 1_000_000) {}

  put(pushId: string, n: number, chunk: ReadChunk): void {
    let chunks = this.pushes.get(pushId);
    if (!chunks) this.pushes.set(pushId, (chunks = new Map()));
    const old = chunks.get(n);
    if (old) this.rows -= old.rowCount;
    chunks.set(n, chunk);
    this.rows += chunk.rowCount;
    for (const [id] of this.pushes) {
      if (this.rows <= this.maxRows || id === pushId) break;
      this.drop(id);
    }
  }

  /** The chunks 0…count-1 of a push, or null when any is not held here. */
  take(pushId: string, count: number): ReadChunk[] | null {
    const chunks = this.pushes.get(pushId);
    if (!chunks || chunks.size !== count) return null;
    const out: ReadChunk[] = [];
    for (let n = 0; n < count; n++) {
      const c = chunks.get(n);
      if (!c) return null;
      out.push(c);
    }
    return out;
  }

  drop(pushId: string): void {
    const chunks = this.pushes.get(pushId);
    if (!chunks) return;
    for (const c of chunks.values()) this.rows -= c.rowCount;
    this.pushes.delete(pushId);
  }

  get heldRows(): number {
    return this.rows;
  }
}
