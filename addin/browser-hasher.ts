/** The content hash of a push in the browser: SHA-256, synchronous like the service's (node:crypto). */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { Hasher } from '../shared/push';

export function browserHasher(): Hasher {
  const h = sha256.create();
  return {
    update: (s) => void h.update(typeof s === 'string' ? utf8ToBytes(s) : s),
    digest: () => bytesToHex(h.digest()),
  };
}
