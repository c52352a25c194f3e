/**
 * bench:check — `check` on a 100,000-row purchase ledger and a 150,000-row asset register, against
 * a bare exceljs read of the same files. Last line: ratio=<check time / read time> goal<=1.2.
 */
import path from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { writePurchaseLedger, writeAssetRegister } from './generate-ledgers';

const OUT = path.join(__dirname, 'out');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);

interface Run { mode: string; ms: number; n: number; maxRssMb: number }

function timed(mode: 'read' | 'check', file: string): Run {
  const out = execFileSync(process.execPath, ['--max-old-space-size=8192', '--require', 'tsx/cjs', path.join(__dirname, 'check-worker.ts'), mode, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Run;
}

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
    // Alternate the two and keep each one's best run, so that neither gains from a warmer machine.
    let bestRead = Infinity;
    let bestCheck = Infinity;
    for (let i = 0; i < REPEATS; i++) {
      const r = timed('read', file);
      const c = timed('check', file);
      bestRead = Math.min(bestRead, r.ms);
      bestCheck = Math.min(bestCheck, c.ms);
      peakRead = Math.max(peakRead, r.maxRssMb);
      peakCheck = Math.max(peakCheck, c.maxRssMb);
      if (i === 0) console.log(`${path.basename(file)}: ${c.n} findings`);
    }
    console.log(`${path.basename(file)}: bare exceljs read ${(bestRead / 1000).toFixed(2)} s, check ${(bestCheck / 1000).toFixed(2)} s`);
    readTotal += bestRead;
    checkTotal += bestCheck;
  }
  console.log(`total: read ${(readTotal / 1000).toFixed(2)} s, check ${(checkTotal / 1000).toFixed(2)} s`);
  console.log(`peak RSS: read ${peakRead.toFixed(0)} MB, check ${peakCheck.toFixed(0)} MB`);
  console.log(`ratio=${(checkTotal / readTotal).toFixed(3)} goal<=1.2`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
