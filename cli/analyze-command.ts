/** `ledger-sync analyze`: validate, reconcile and analyse in-process, as the service does. */
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { runBookMonth } from '../shared/month-run';
import { readAllSheets } from '../shared/workbook';
import { TABLE_KEYS } from '../shared/analysis';
import type { AnalysisTables } from '../shared/api';
import { loadReference } from './reference-file';
import { Io, UsageError, langOption, parse, yearOption } from './args';
import { readWorkbookSheets } from './read-workbook';
import { MAP_OPTION, readCorrections } from './corrections-option';
import { checkJson, checkText } from './format-check';
import { layoutAnalysis } from '../shared/sheet-layout';
import { titleUnit } from '../shared/headers';
import { writeAnalysisSheets } from '../shared/write/analysis-sheets';
import { localTimestamp, writeFileAtomically } from './output-file';
import { FileFormat } from '../shared/read/workbook-file';

export async function runAnalyze(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string' },
    json: { type: 'boolean' },
    'as-of': { type: 'string' },
    year: { type: 'string' },
    lang: { type: 'string' },
    'unit-name': { type: 'string' },
    reference: { type: 'string' },
    'in-place': { type: 'boolean' },
    ...MAP_OPTION,
  });
  if (positionals.length !== 1) throw new UsageError({ zh: 'analyze 需要且只需要一个工作簿：ledger-sync analyze <工作簿> [--out 输出.xlsx] [--json]', en: 'analyze takes one workbook: ledger-sync analyze <book> [--out out.xlsx] [--json]' });
  const file = positionals[0]!;
  const lang = langOption(values.lang);
  // --in-place: the analysis into the input itself, the original kept beside it as <name>.bak.
  if (values['in-place']) values.out ??= file;
  const inPlace = values.out !== undefined && path.resolve(values.out) === path.resolve(file);
  if (inPlace && !values['in-place']) {
    throw new UsageError({ zh: '--out 不能是输入的工作簿本身：请换一个文件名，或加 --in-place 写回原文件（原文件另存为 .bak）', en: '--out must not be the input workbook: name another file, or add --in-place to write into it (the original is kept as .bak)' });
  }
  const { book, grids } = await readWorkbookSheets(file, lang);
  if (values.out !== undefined) outNameFits(book.format, values.out);
  const ref = loadReference(values.reference);
  const { result, analysis } = runBookMonth(grids, { lang, asOf: values['as-of'], year: yearOption(values.year), ref, ...readCorrections(book, grids, values.map, lang) });
  const checked = result;
  const name = path.basename(file);
  let wrote = '';
  if (values.out !== undefined && result.sheets.every((s) => s.kind === undefined)) {
    // No ledger was read: analysis sheets of nothing would look like a clean month.
    io.out(checkText(name, result, grids.map((g) => g.name), lang));
    io.err(lang === 'zh' ? `ledger-sync: ${name} 中没有读到任何台账，未写入 ${values.out}：请按上面的提示更正表头或工作表类型后再分析\n` : `ledger-sync: no ledger was read in ${name}, so ${values.out} was not written: correct the headers or sheet kinds as said above and analyse again\n`);
    return 1;
  }
  if (values.out !== undefined) {
    const unit = values['unit-name'] ?? titleUnit(grids) ?? path.basename(file, path.extname(file));
    const layouts = layoutAnalysis(analysis, { unit, period: checked.as_of.slice(0, 7), asOf: checked.as_of, generatedAt: localTimestamp(new Date()), lang });
    // Another format becomes a new .xlsx: its sheets as read, then the analysis sheets.
    const { ledgerSheetsXlsx } = require('../shared/write/ledger-sheets') as typeof import('../shared/write/ledger-sheets');
    const base = book.format === 'xlsx' || book.format === 'xlsm' ? book.bytes : ledgerSheetsXlsx(await readAllSheets({ sheetNames: async () => book.sheets.map((s) => s.name), readSheet: (n) => book.readSheet(n) }));
    const written = await writeAnalysisSheets(base, layouts);
    // In place: the original copied to .bak first, then the new file (written beside it) renamed over it.
    if (inPlace) await fs.copyFile(file, `${file}.bak`);
    await writeFileAtomically(values.out, written);
    const charts = layouts.filter((l) => l.chart).length;
    wrote = lang === 'zh' ? `已写入 ${values.out}：${layouts.length} 张分析表，${charts} 个图表${inPlace ? `；原文件另存为 ${file}.bak` : ''}\n` : `wrote ${values.out}: ${layouts.length} analysis sheets, ${charts} charts${inPlace ? `; the original kept as ${file}.bak` : ''}\n`;
  }
  if (values.json) {
    const tables: AnalysisTables = Object.fromEntries(TABLE_KEYS.map((k) => [k, analysis.tables[k]]));
    io.out(JSON.stringify({ ...checkJson(name, result), analysis: tables, charts: analysis.charts }, null, 2) + '\n');
  } else {
    io.out(checkText(name, result, grids.map((g) => g.name), lang) + wrote);
  }
  return result.summary.error > 0 ? 1 : 0;
}

/** An .xlsm keeps its macros only under an .xlsm name; every other input is written as .xlsx. */
function outNameFits(format: FileFormat, out: string): void {
  const want = format === 'xlsm' ? '.xlsm' : '.xlsx';
  if (path.extname(out).toLowerCase() === want) return;
  throw new UsageError(format === 'xlsm'
    ? { zh: '输入工作簿含有宏，--out 必须以 .xlsm 结尾，宏才能保留', en: 'the input holds macros: --out must end in .xlsm to keep them' }
    : format === 'xlsx'
      ? { zh: '--out 必须以 .xlsx 结尾', en: '--out must end in .xlsx' }
      : { zh: `输入是 ${format} 格式，分析结果写成新的 .xlsx 工作簿：--out 必须以 .xlsx 结尾`, en: `the input is a ${format} file; the analysis is written as a new .xlsx workbook: --out must end in .xlsx` });
}
