/** `ledger-sync manifest --origin https://host [--out file]`: the add-in manifest for a production host. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Io, UsageError, parse } from './args';
import { checkManifest, manifestForOrigin } from './manifest-check';

/** manifest.xml at the project's top: beside dist/ when built, beside cli/ under tsx. */
function manifestPath(): string {
  const found = [path.join(__dirname, '..', '..', 'manifest.xml'), path.join(__dirname, '..', 'manifest.xml')].find(existsSync);
  if (!found) throw new UsageError({ zh: '在安装的 ledger-sync 旁找不到 manifest.xml：请重新安装', en: 'manifest.xml not found beside the installed ledger-sync' });
  return found;
}

export async function runManifest(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { origin: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError({ zh: `manifest 不带参数，多了“${positionals[0]}”`, en: `manifest takes no arguments, got "${positionals[0]}"` });
  if (!values.origin) throw new UsageError({ zh: '缺少 --origin https://服务器地址（提供加载项文件的服务）', en: '--origin https://your-host is required (the service that serves the add-in)' });
  let xml: string;
  try {
    xml = manifestForOrigin(readFileSync(manifestPath(), 'utf8'), values.origin);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError({ zh: `无法读取加载项清单 manifest.xml：请重新安装 ledger-sync（${(e as Error).message}）`, en: `manifest.xml cannot be read: reinstall ledger-sync (${(e as Error).message})` });
  }
  // The shipped manifest passes these checks (test/manifest.test.ts): a problem here is of the origin given, said in the checks' own terms.
  const problems = checkManifest(xml);
  if (problems.length > 0) throw new UsageError({ zh: `用 --origin ${values.origin} 生成的清单不合要求，请换一个 https:// 服务器地址；检查结果：${problems[0]}`, en: `the manifest for ${values.origin} does not pass its checks: ${problems[0]}` });
  if (values.out) writeFileSync(values.out, xml);
  else io.out(xml);
  return 0;
}
