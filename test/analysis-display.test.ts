/**
 * analysis.md "Display", as far as it is built: what a clerk reads in the written analysis — ids
 * by their headers, method names instead of codes, no English in a Chinese `expected`, a location
 * that jumps to the cell, months as 1月, fitted chart-data columns, and no `###` when printed.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import * as XLSX from '@e965/xlsx';
import { cli } from './support/cli';
import { tmpDir } from './support/xlsx';
import { haveRenderer, pdfText } from './support/render';
import { cellsOf, englishInChinese, numbersWiderThanColumns, readBack, wordsOfBook } from './support/clerk-words';

const SAMPLE = path.join(__dirname, 'fixtures', 'sample-2024.xlsx');

async function written(lang: 'zh' | 'en'): Promise<string> {
  const out = path.join(tmpDir(), `display-${lang}.xlsx`);
  const r = await cli('analyze', SAMPLE, '--out', out, '--lang', lang);
  assert.equal(r.code, 1, r.err);
  return out;
}


describe('the analysis sheets as a clerk reads them', function () {
  this.timeout(300_000);

  it('findings: ids by their labels, method names, no contract English in 应为, and a 位置 cell that jumps to each finding’s cell', async () => {
    const out = await written('zh');
    const wb = XLSX.readFile(out);
    const ws = wb.Sheets['异常清单']!;
    const header = [...Array(12).keys()].map((c) => ws[XLSX.utils.encode_cell({ r: 3, c })]?.v);
    assert.deepEqual(header.slice(0, 11), ['级别', '规则', '台账', '工作表', '行', '列', '位置', '编号', '值', '应为', '说明']);
    const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(ws, { range: 3 });
    assert.ok(rows.length > 10);
    for (const r of rows) {
      assert.doesNotMatch(String(r['编号'] ?? ''), /=|_id\b/, JSON.stringify(r));
      assert.doesNotMatch(String(r['应为'] ?? ''), /[A-Za-z]{3}/, JSON.stringify(r));
      assert.doesNotMatch(`${r['值'] ?? ''}`, /^(competitive_|public_tender|single_source|online_inquiry|agreement|inquiry)/, JSON.stringify(r));
    }
    const p06 = rows.find((r) => r['规则'] === 'P06')!;
    assert.deepEqual([p06['编号'], p06['值'], p06['应为'], p06['位置']], ['合同编号 HT-2024-040；计划编号 JH-2024-028', '竞争性磋商', '询价', '合同台账!L14']);
    // Every finding on a sheet of this workbook is an internal link to that sheet's cell.
    const sheetXml = strFromU8(unzipSync(new Uint8Array(readFileSync(out)))[`xl/worksheets/${wbPart(out, '异常清单')}`]!);
    const links = [...sheetXml.matchAll(/<hyperlink ref="([A-Z]+\d+)" location="([^"]+)"/g)].map((m) => [m[1], m[2]!.replace(/&apos;|&#39;/g, "'")]);
    const onSheets = rows.filter((r) => typeof r['工作表'] === 'string' && wb.SheetNames.includes(r['工作表'] as string));
    assert.equal(links.length, onSheets.length);
    assert.ok(links.some(([ref, loc]) => /^G\d+$/.test(ref!) && loc === "'合同台账'!L14"), JSON.stringify(links.slice(0, 5)));
    for (const [ref, loc] of links) {
      const shown = ws[ref!]!.v as string;
      const [sheet, cell] = loc!.replace(/^'|'(?=!)/g, '').split('!');
      assert.ok(wb.SheetNames.includes(sheet!), loc);
      assert.ok(shown === sheet || shown === `${sheet}!${cell}`, `${ref}: ${shown} → ${loc}`);
    }
  });

  it('months read 1月 … (年初前 for before the year), Jan … in English', async () => {
    const zh = XLSX.readFile(await written('zh')).Sheets['月度执行']!;
    const months = XLSX.utils.sheet_to_json<Record<string, unknown>>(zh, { range: 3 }).map((r) => r['月份']);
    assert.deepEqual(months.slice(0, 6), ['1月', '2月', '3月', '4月', '5月', '6月']);
    const en = XLSX.readFile(await written('en')).Sheets['Monthly']!;
    assert.deepEqual(XLSX.utils.sheet_to_json<Record<string, unknown>>(en, { range: 3 }).map((r) => r['Month']).slice(0, 3), ['Jan', 'Feb', 'Mar']);
  });

  it('the chart’s own data block has its columns fitted, as the table has', async () => {
    const out = await written('zh');
    const xml = strFromU8(unzipSync(new Uint8Array(readFileSync(out)))[`xl/worksheets/${wbPart(out, '支出执行')}`]!);
    const widths = new Map([...xml.matchAll(/<col min="(\d+)" max="\d+" width="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]));
    const ws = XLSX.readFile(out).Sheets['支出执行']!;
    for (const [addr, c] of cellsOf(ws)) {
      if (typeof c.v !== 'number') continue;
      const col = XLSX.utils.decode_cell(addr).c + 1;
      const shown = c.v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      assert.ok((widths.get(col) ?? 8.43) >= shown.length + 1, `${addr} ${shown} in a column ${widths.get(col) ?? 'of default width'}`);
    }
  });

  it('in Chinese, no analysis cell holds an internal key or an English word the ledger does not; no number is wider than its column', async () => {
    const input = await readBack(SAMPLE);
    const file = await written('zh');
    const grids = await readBack(file);
    const ours = grids.map((g) => g.name).filter((n) => !input.some((g) => g.name === n));
    assert.equal(ours.length, 9, ours.join(' '));
    assert.deepEqual(englishInChinese(grids, ours, wordsOfBook(input)), []);
    assert.deepEqual(numbersWiderThanColumns(XLSX.readFile(file, { cellStyles: true, cellNF: true }), ours), []);
    // The check sees what it is for: the English workbook is full of words the ledger does not hold.
    const en = await readBack(await written('en'));
    assert.ok(englishInChinese(en, en.map((g) => g.name).filter((n) => !input.some((g) => g.name === n)), wordsOfBook(input)).length > 50);
  });

  it('a rate’s total is the rate of the totals (部门对比), and 三公经费 reads 是/否, centred off the number beside it', async () => {
    const out = await written('zh');
    const ws = XLSX.readFile(out, { cellFormula: true }).Sheets['部门对比']!;
    const rows = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1 });
    const head = rows[3] as string[];
    const total = XLSX.utils.decode_range(ws['!ref']!).e.r;
    const at = (label: string) => ws[XLSX.utils.encode_cell({ r: total, c: head.indexOf(label) })] as XLSX.CellObject;
    assert.equal(at('部门').v, '合计');
    // 824,215.00 executed of 965,180.00 planned; 779,980.65 spent of 2,320,000.00 budgeted.
    assert.equal(at('执行率').v, 0.8539);
    assert.equal(at('执行率').f, 'IFERROR(SUBTOTAL(109,LedgerSync_departments[执行金额])/SUBTOTAL(109,LedgerSync_departments[计划金额]),"")');
    assert.equal(at('支出执行率').v, 0.3362);
    const zip = unzipSync(new Uint8Array(readFileSync(out)));
    assert.match(strFromU8(zip[`xl/tables/${tablePart(zip, 'LedgerSync_departments')}`]!), /<tableColumn id="4" name="执行率" totalsRowFunction="custom"><totalsRowFormula>IFERROR\(SUBTOTAL\(109,LedgerSync_departments\[执行金额\]\)/);

    const ex = XLSX.readFile(out, { cellStyles: true }).Sheets['支出执行']!;
    const exHead = XLSX.utils.sheet_to_json<unknown[]>(ex, { header: 1 })[3] as string[];
    const c = exHead.indexOf('三公经费');
    const flags = XLSX.utils.sheet_to_json<unknown[]>(ex, { header: 1, range: 4 }).map((r) => r[c]).filter((v) => v !== undefined);
    assert.ok(flags.length > 40 && flags.every((v) => v === '是' || v === '否'), JSON.stringify(flags));
    assert.ok(flags.includes('是') && flags.includes('否'));
    const styles = strFromU8(zip['xl/styles.xml']!);
    const xfs = [...styles.slice(styles.indexOf('<cellXfs')).matchAll(/<xf [^>]*?(\/>|>.*?<\/xf>)/g)].map((m) => m[0]);
    const sheetXml = strFromU8(zip[`xl/worksheets/${wbPart(out, '支出执行')}`]!);
    const col = XLSX.utils.encode_col(c);
    const ids = [...sheetXml.matchAll(new RegExp(`<c r="${col}(\\d+)" s="(\\d+)"`, 'g'))].filter((m) => Number(m[1]) > 4).map((m) => Number(m[2]));
    assert.ok(ids.length >= flags.length);
    for (const id of new Set(ids)) assert.match(xfs[id]!, /<alignment horizontal="center"/, `style ${id}`);
  });

  it('printed by LibreOffice, no number shows ###', async function () {
    if (!(await haveRenderer())) {
      if (process.env.CI) throw new Error('libreoffice and pdftoppm are required in CI');
      this.skip();
    }
    const text = await pdfText(await written('zh'));
    // The analysis sheets follow the clerk's own (whose narrow columns are theirs to keep): from the first analysis page on.
    const pages = text.split('\f');
    const first = pages.findIndex((p) => p.includes('预算执行分析'));
    assert.ok(first > 0, 'the PDF has the analysis pages');
    const ours = pages.slice(first);
    assert.ok(ours.length >= 9, `${ours.length} analysis pages`);
    for (const [i, p] of ours.entries()) assert.doesNotMatch(p, /###/, `analysis page ${i + 1}: ${p.split('\n')[0]}`);
    // LibreOffice computes the totals row's rates as Excel would.
    const departments = ours.find((p) => p.includes('部门对比'))!;
    assert.match(departments, /85\.4%/);
    assert.match(departments, /33\.6%/);
  });
});

/** The part of a table, by its name. */
function tablePart(zip: Record<string, Uint8Array>, name: string): string {
  const part = Object.keys(zip).find((k) => k.startsWith('xl/tables/') && strFromU8(zip[k]!).includes(` name="${name}"`));
  assert.ok(part, name);
  return part.replace('xl/tables/', '');
}

/** The part of a sheet, by name, through the workbook's relationships. */
function wbPart(file: string, name: string): string {
  const z = unzipSync(new Uint8Array(readFileSync(file)));
  const wbXml = strFromU8(z['xl/workbook.xml']!);
  const rid = new RegExp(`<sheet [^>]*name="${name}"[^>]*r:id="([^"]+)"`).exec(wbXml)![1];
  const rels = strFromU8(z['xl/_rels/workbook.xml.rels']!);
  const target = new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels)![1]!;
  return target.replace(/^\/?(xl\/)?worksheets\//, '');
}
