/** SHA-256 hex by node:crypto: the content hash of pushes in the service and the CLI. */
import { createHash } from 'node:crypto';
import { Hasher } from '../shared/push';

export function nodeHasher(): Hasher {
  const h = createHash('sha256');
  return { update: (s) => void h.update(s), digest: () => h.digest('hex') };
}
