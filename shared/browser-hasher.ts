/**
 * The content hash of a push in the browser: SHA-256, synchronous like the service's (node:crypto).
 * js-sha256: no BigInt and no TextEncoder, so it runs in EdgeHTML (Office 2016/2019) too.
 */
import { sha256 } from 'js-sha256';
import { Hasher } from './push';

export function browserHasher(): Hasher {
  const h = sha256.create();
  return {
    update: (s) => void h.update(s),
    digest: () => h.hex(),
  };
}
