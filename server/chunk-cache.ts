/**
 * What the service has already made of each chunk of an open push, kept in memory between upload
 * and commit: its rows parsed and checked one by one, and the push's content hash, fed with each
 * chunk in order as the chunks come in. The commit then does only the ledger-wide work. Only a
 * cache: the chunks are stored in the database too, and a commit after a restart (or on another
 * instance, past the memory limit, or after a chunk already hashed was sent again) reads them from
 * there.
 */
import { PushOpenRequest } from '../shared/api';
import { ContentHasher } from '../shared/push';
import { ParsedSheet } from '../shared/validate';
import { nodeHasher } from './node-hasher';

export interface ReadChunk {
  rowCount: number;
  /** By source sheet index; sparse. */
  parsed: ParsedSheet[];
}

/** What the hash takes of a chunk: its rows and source rows as sent (hashedSections). */
export type ChunkSections = [Uint8Array, Uint8Array];

/**
 * The bytes of a chunk body that its content hash is taken over — the rows and the source rows
 * without their brackets — when the body is laid out as shared/push.ts chunkBody writes it; null
 * otherwise. For such a body they are the very bytes the client hashed, so the service need not
 * write the parsed rows out again to hash them. Each key must occur once: cells hold no keys of
 * that name and strings escape their quotes, so a second one would be a duplicate key, whose
 * value JSON.parse takes instead of the one hashed. The source rows of a body that passed
 * chunkProblem are numbers only, so the hashed bytes always determine the rows and source rows
 * parsed.
 */
export function hashedSections(body: Buffer): ChunkSections | null {
  const n = body.length;
  // `{"rows":[` … `],"source_rows":[` … `]}`
  if (n < 28 || body[0] !== 0x7b || body[8] !== 0x5b || body[n - 2] !== 0x5d || body[n - 1] !== 0x7d) return null;
  if (body.indexOf('"rows":') !== 1 || body.indexOf('"rows":', 2) !== -1) return null;
  const key = body.indexOf('"source_rows":', 9);
  if (key === -1 || body.indexOf('"source_rows":', key + 1) !== -1) return null;
  if (body[key - 2] !== 0x5d || body[key - 1] !== 0x2c || body[key + 14] !== 0x5b) return null;
  return [body.subarray(9, key - 2), body.subarray(key + 15, n - 2)];
}

interface HeldPush {
  chunks: Map<number, ReadChunk>;
  hash: ContentHasher;
  /** The next chunk the hash takes; later ones wait in `pending`. */
  next: number;
  pending: Map<number, ChunkSections | null>;
  /**
   * A chunk already hashed came again, or a chunk's body was not laid out as clients write it: the
   * hash here no longer says what the chunks hold, and the commit hashes the stored chunks instead.
   */
  broken: boolean;
}

export class ChunkCache {
  private readonly pushes = new Map<string, HeldPush>();
  private rows = 0;

  /** At most this many rows are held across all open pushes; beyond it, the oldest pushes go. */
  constructor(private readonly maxRows = 1_000_000) {}

  /** `sections` null: the chunk's body is not laid out as chunkBody writes it. */
  put(pushId: string, head: PushOpenRequest, n: number, chunk: ReadChunk, sections: ChunkSections | null): void {
    let push = this.pushes.get(pushId);
    if (!push) this.pushes.set(pushId, (push = { chunks: new Map(), hash: new ContentHasher(head, nodeHasher), next: 0, pending: new Map(), broken: false }));
    const old = push.chunks.get(n);
    if (old) {
      this.rows -= old.rowCount;
      if (n < push.next) push.broken = true;
    }
    push.chunks.set(n, chunk);
    this.rows += chunk.rowCount;
    if (!sections) push.broken = true;
    if (push.broken) push.pending.clear();
    else push.pending.set(n, chunk.rowCount > 0 ? sections : null);
    for (let j = push.pending.get(push.next); j !== undefined; j = push.pending.get(push.next)) {
      if (j) push.hash.addSections(j[0], j[1]);
      push.pending.delete(push.next++);
    }
    for (const [id] of this.pushes) {
      if (this.rows <= this.maxRows || id === pushId) break;
      this.drop(id);
    }
  }

  /** The chunks 0…count-1 of a push and its content hash, or null when any is not held here. */
  take(pushId: string, count: number): { chunks: ReadChunk[]; contentHash: string } | null {
    const push = this.pushes.get(pushId);
    if (!push || push.broken || push.chunks.size !== count || push.next !== count) return null;
    const out: ReadChunk[] = [];
    for (let n = 0; n < count; n++) {
      const c = push.chunks.get(n);
      if (!c) return null;
      out.push(c);
    }
    return { chunks: out, contentHash: push.hash.digest() };
  }

  drop(pushId: string): void {
    const push = this.pushes.get(pushId);
    if (!push) return;
    for (const c of push.chunks.values()) this.rows -= c.rowCount;
    this.pushes.delete(pushId);
  }

  get heldRows(): number {
    return this.rows;
  }
}
