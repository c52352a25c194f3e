/** One timed run in its own process, so that peak memory is its own: `read` or `check` of one file. */
import ExcelJS from 'exceljs';
import { readWorkbookFile } from '../cli/read-workbook';
import { readAllSheets } from '../shared/workbook';
import { checkWorkbook } from '../shared/check';

async function bareRead(file: string): Promise<number> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  let cells = 0;
  // Touch every value, as any consumer of the read must.
  for (const ws of wb.worksheets) ws.eachRow((row) => { cells += (row.values as unknown[]).length; });
  return cells;
}

async function check(file: string): Promise<number> {
  const grids = await readAllSheets(await readWorkbookFile(file, 'zh'));
  const r = checkWorkbook(grids, { asOf: '2024-06' });
  return r.findings.length;
}

async function run(): Promise<void> {
  const [mode, file] = process.argv.slice(2) as ['read' | 'check', string];
  const t0 = process.hrtime.bigint();
  const n = mode === 'read' ? await bareRead(file) : await check(file);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ mode, ms, n, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

run().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
