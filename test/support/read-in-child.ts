/** Reads and checks one workbook in a process of its own, printing its peak memory: `tsx read-in-child.ts FILE`. */
import { readWorkbookFile } from '../../cli/read-workbook';
import { readAllSheets } from '../../shared/workbook';
import { checkWorkbook } from '../../shared/check';

(async () => {
  const t0 = Date.now();
  const grids = await readAllSheets(await readWorkbookFile(process.argv[2]!, 'zh'));
  const checked = checkWorkbook(grids, { asOf: '2024-06' });
  process.stdout.write(JSON.stringify({
    ms: Date.now() - t0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    sheets: grids.map((g) => ({ name: g.name, rows: g.rows.length, merges: g.merges?.length ?? 0 })),
    dataRows: checked.sheets.map((s) => s.data_rows),
    findings: checked.findings.length,
  }) + '\n');
})().catch((e) => {
  process.stderr.write(String(e?.message ?? e) + '\n');
  process.exit(3);
});
