/**
 * bench:check — `check` (read with shared/read, then validate) on a 100,000-row purchase ledger and
 * a 150,000-row asset register, against a bare exceljs 4.4 full read of the same files (the reader
 * the product used before; kept as the baseline). Also: peak memory of `check` on a sheet of
 * 1,048,576 rows, and the time of the 8 KB sheet-wide-validation file that once ran for minutes.
 * Last line: ratio=<check time / exceljs read time> goal<=0.4.
 */
import path from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { writePurchaseLedger, writeAssetRegister } from './generate-ledgers';
import { millionRows, sheetWideValidation } from '../test/support/hostile-files';

const OUT = path.join(__dirname, 'out');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

interface Run { mode: string; ms: number; n: number; maxRssMb: number }

function timed(mode: 'read' | 'check', file: string): Run {
  const out = execFileSync(process.execPath, ['--max-old-space-size=8192', '--require', 'tsx/cjs', path.join(__dirname, 'check-worker.ts'), mode, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Run;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const files: [string, number, (f: string, n: number) => Promise<void>][] = [
    [path.join(OUT, 'purchases-100k.xlsx'), 100_000, writePurchaseLedger],
    [path.join(OUT, 'assets-150k.xlsx'), 150_000, writeAssetRegister],
  ];
  for (const [file, rows, write] of files) {
    if (!existsSync(file)) {
      const t = Date.now();
      await write(file, rows);
      console.log(`generated ${path.basename(file)} (${rows} rows) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  }
  let readTotal = 0;
  let checkTotal = 0;
  let peakRead = 0;
  let peakCheck = 0;
  for (const [file] of files) {
    // Alternate the two and keep each one's median, so that neither gains from a warmer machine.
    const reads: number[] = [];
    const checks: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const r = timed('read', file);
      const c = timed('check', file);
      reads.push(r.ms);
      checks.push(c.ms);
      peakRead = Math.max(peakRead, r.maxRssMb);
      peakCheck = Math.max(peakCheck, c.maxRssMb);
      if (i === 0) console.log(`${path.basename(file)}: ${c.n} findings`);
    }
    console.log(`${path.basename(file)}: bare exceljs read ${(median(reads) / 1000).toFixed(2)} s, check ${(median(checks) / 1000).toFixed(2)} s (medians of ${REPEATS})`);
    readTotal += median(reads);
    checkTotal += median(checks);
  }

  const million = path.join(OUT, 'million-rows.xlsx');
  if (!existsSync(million)) writeFileSync(million, millionRows());
  const m = timed('check', million);
  console.log(`check of 1,048,576 rows: ${(m.ms / 1000).toFixed(2)} s, peak RSS ${m.maxRssMb.toFixed(0)} MB, ${m.n} findings`);
  const wide = path.join(OUT, 'sheet-wide-validation.xlsx');
  writeFileSync(wide, sheetWideValidation());
  const w = timed('check', wide);
  console.log(`check of the sheet-wide-validation file (8 KB, A1:XFD1048576): ${w.ms.toFixed(0)} ms, peak RSS ${w.maxRssMb.toFixed(0)} MB`);

  console.log(`total: exceljs read ${(readTotal / 1000).toFixed(2)} s, check ${(checkTotal / 1000).toFixed(2)} s`);
  console.log(`peak RSS on the pair: exceljs read ${peakRead.toFixed(0)} MB, check ${peakCheck.toFixed(0)} MB (goal <= 500)`);
  console.log(`ratio=${(checkTotal / readTotal).toFixed(3)} goal<=0.4`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
