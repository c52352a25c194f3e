/** Writing the CLI's output files: whole or not at all. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from './args';

/** Writes beside the target and renames, so a failure never leaves a half-written workbook. */
export async function writeFileAtomically(file: string, data: Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError({ zh: `无法写入 ${file}：所在文件夹不存在`, en: `cannot write ${file}: its folder does not exist` });
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError({ zh: `无法写入 ${file}：没有写入权限`, en: `cannot write ${file}: permission denied` });
    if (code === 'EBUSY') throw new UsageError({ zh: `无法写入 ${file}：文件正被其他程序打开（请先在 Excel 中关闭它）`, en: `cannot write ${file}: the file is open in another program (close it in Excel)` });
    throw new UsageError({ zh: `无法写入 ${file}：${(e as NodeJS.ErrnoException).code ?? '未知错误'}`, en: `cannot write ${file}: ${(e as Error).message}` });
  }
}

import { deploymentZone as zoneOf, localTimestamp as zoned } from '../shared/dates';

export const deploymentZone = (): string => zoneOf(process.env);

/** `2026-11-26 15:04` on the deployment's clock, for the "generated at" line and the audit's times. */
export const localTimestamp = (d: Date): string => zoned(d, deploymentZone());
