import { openXlsx } from '../cli/xlsx-workbook';
import { readAllSheets, SheetGrid } from '../shared/workbook';
import { checkWorkbook } from '../shared/check';
async function grids(f: string): Promise<SheetGrid[]> { return readAllSheets(await openXlsx(f)); }
(async () => {
  const f = process.argv[2]!;
  let t = Date.now();
  const g = await grids(f); console.log('load+grid', Date.now() - t);
  (global as any).gc?.();
  for (let i = 0; i < 3; i++) { t = Date.now(); const r = checkWorkbook(g, { asOf: '2024-06' }); console.log('check', Date.now() - t, r.findings.length); }
})();
