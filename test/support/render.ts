/** Renders a workbook the way a reader without Excel sees it: LibreOffice headless to PDF, poppler to pixels. */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tmpDir } from './xlsx';

const run = promisify(execFile);

export async function haveRenderer(): Promise<boolean> {
  try {
    await run('libreoffice', ['--version']);
    await run('pdftoppm', ['-v']);
    return true;
  } catch {
    return false;
  }
}

export interface Page {
  width: number;
  height: number;
  /** RGB triples. */
  pixels: Buffer;
}

/** Every printed page of the workbook, as pixels (poppler's PPM, read here). */
export async function renderPages(xlsx: string, dpi = 40): Promise<Page[]> {
  const dir = tmpDir();
  const profile = path.join(dir, 'profile');
  await run('libreoffice', ['--headless', '--norestore', `-env:UserInstallation=file://${profile}`, '--convert-to', 'pdf', '--outdir', dir, xlsx], { timeout: 120_000 });
  const pdf = path.join(dir, path.basename(xlsx).replace(/\.xlsx$/, '.pdf'));
  await run('pdftoppm', ['-r', String(dpi), pdf, path.join(dir, 'page')], { timeout: 120_000 });
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.ppm')).sort();
  return Promise.all(files.map(async (f) => readPpm(await fs.readFile(path.join(dir, f)))));
}

function readPpm(b: Buffer): Page {
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4) {
    while (b[i] === 0x20 || b[i] === 0x0a) i++;
    const start = i;
    while (b[i] !== 0x20 && b[i] !== 0x0a) i++;
    fields.push(b.toString('latin1', start, i));
  }
  if (fields[0] !== 'P6') throw new Error(`not a binary PPM: ${fields[0]}`);
  return { width: +fields[1]!, height: +fields[2]!, pixels: b.subarray(i + 1) };
}

/** Pixels within `tolerance` of an `RRGGBB` colour on a page. */
export function countColour(page: Page, rgb: string, tolerance = 12): number {
  const [r, g, b] = [0, 2, 4].map((k) => parseInt(rgb.slice(k, k + 2), 16)) as [number, number, number];
  let n = 0;
  const p = page.pixels;
  for (let i = 0; i + 2 < p.length; i += 3) {
    if (Math.abs(p[i]! - r) <= tolerance && Math.abs(p[i + 1]! - g) <= tolerance && Math.abs(p[i + 2]! - b) <= tolerance) n++;
  }
  return n;
}

/** The text layer of the workbook as LibreOffice prints it (pdftotext): what a reader of the PDF sees. */
export async function pdfText(xlsx: string): Promise<string> {
  const dir = tmpDir();
  const profile = path.join(dir, 'profile');
  await run('libreoffice', ['--headless', '--norestore', `-env:UserInstallation=file://${profile}`, '--convert-to', 'pdf', '--outdir', dir, xlsx], { timeout: 120_000 });
  const pdf = path.join(dir, path.basename(xlsx).replace(/\.xlsx$/, '.pdf'));
  const { stdout } = await run('pdftotext', ['-layout', pdf, '-'], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
