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

/** JSON of a chunk's rows and of its source rows (null when it has none): what the hash takes. */
export type ChunkJson = [string, string] | null;

interface HeldPush {
  chunks: Map<number, ReadChunk>;
  hash: ContentHasher;
  /** The next chunk the hash takes; later ones wait in `pending`. */
  next: number;
  pending: Map<number, ChunkJson>;
  /** A chunk already hashed came again: the hash no longer says what the chunks hold. */
  broken: boolean;
}

export class ChunkCache {
  private readonly pushes = new Map<string, HeldPush>();
  private rows = 0;

  /** At most this many rows are held across all open pushes; beyond it, the oldest pushes go. */
  constructor(private readonly maxRows = 1_000_000) {}

  put(pushId: string, head: PushOpenRequest, n: number, chunk: ReadChunk, json: ChunkJson): void {
    let push = this.pushes.get(pushId);
    if (!push) this.pushes.set(pushId, (push = { chunks: new Map(), hash: new ContentHasher(head, nodeHasher), next: 0, pending: new Map(), broken: false }));
    const old = push.chunks.get(n);
    if (old) {
      this.rows -= old.rowCount;
      if (n < push.next) push.broken = true;
    }
    push.chunks.set(n, chunk);
    this.rows += chunk.rowCount;
    if (!push.broken) push.pending.set(n, json);
    for (let j = push.pending.get(push.next); j !== undefined; j = push.pending.get(push.next)) {
      if (j) push.hash.addJson(j[0], j[1]);
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
