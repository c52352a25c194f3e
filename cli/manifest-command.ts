/** `ledger-sync manifest --origin https://host [--out file]`: the add-in manifest for a production host. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Io, UsageError, parse } from './args';
import { checkManifest, manifestForOrigin } from './manifest-check';

function manifestPath(): string {
  // From dist/cli (built) or cli/ (tsx): the manifest sits at the project's top.
  for (const p of [path.join(__dirname, '..', '..', 'manifest.xml'), path.join(__dirname, '..', 'manifest.xml')]) {
    try {
      readFileSync(p);
      return p;
    } catch {
      // try the next
    }
  }
  throw new UsageError('manifest.xml not found beside the installed ledger-sync');
}

export async function runManifest(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { origin: { type: 'string' }, out: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`manifest takes no arguments, got "${positionals[0]}"`);
  if (!values.origin) throw new UsageError('--origin https://your-host is required (the service that serves the add-in)');
  let xml: string;
  try {
    xml = manifestForOrigin(readFileSync(manifestPath(), 'utf8'), values.origin);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--origin: ${(e as Error).message}`);
  }
  const problems = checkManifest(xml);
  if (problems.length > 0) throw new UsageError(`the manifest for ${values.origin} does not pass its checks: ${problems[0]}`);
  if (values.out) writeFileSync(values.out, xml);
  else io.out(xml);
  return 0;
}
