/**
 * `npm run validate [-- manifest.xml]`: the manifest parsed by office-addin-manifest (offline) and
 * checked by cli/manifest-check.ts. Microsoft's online validation: see README ("Use it in Excel").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OfficeAddinManifest } from 'office-addin-manifest';
import { checkManifest } from '../cli/manifest-check';

async function main(): Promise<number> {
  const file = process.argv[2] ?? 'manifest.xml';
  let info;
  try {
    info = await OfficeAddinManifest.readManifestFile(file);
  } catch (e) {
    console.error(`${file}: office-addin-manifest cannot read it: ${(e as Error).message}`);
    return 1;
  }
  const problems = checkManifest(readFileSync(file, 'utf8'), path.join(__dirname, '..', 'addin', 'assets'));
  for (const p of problems) console.error(`${file}: ${p}`);
  if (problems.length > 0) return 1;
  console.log(`${file}: valid — ${info.displayName} ${info.version} (${info.id}), ${info.hosts?.join(', ')}, ${info.defaultSettings?.sourceLocation}`);
  return 0;
}

main().then((code) => (process.exitCode = code));
