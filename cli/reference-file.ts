/** `--reference file.json` / LEDGER_SYNC_REFERENCE: a deployment's reference data (docs/reference-data.md). */
import { readFileSync } from 'node:fs';
import { DEFAULT_REFERENCE, ReferenceData } from '../shared/reference';
import { referenceWithOverrides } from '../shared/reference-file';
import { UsageError } from './args';

export function loadReference(option: string | undefined): ReferenceData {
  const file = option ?? process.env.LEDGER_SYNC_REFERENCE;
  if (!file) return DEFAULT_REFERENCE;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError({ zh: `找不到参考数据文件：${file}`, en: `reference file not found: ${file}` });
    throw new UsageError({ zh: `参考数据文件 ${file} 不是有效的 JSON：${(e as Error).message.split('\n')[0]}`, en: `reference file ${file} is not valid JSON: ${(e as Error).message.split('\n')[0]}` });
  }
  const r = referenceWithOverrides(json);
  if (!r.ok) throw new UsageError({ zh: `参考数据文件 ${file} 有误：${r.problem.zh}`, en: `reference file ${file}: ${r.problem.en}` });
  return r.ref;
}
