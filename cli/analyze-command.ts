/** `ledger-sync analyze`: validate, reconcile and analyse in-process, as the service does. */
import path from 'node:path';
import { checkWorkbook, sortFindings } from '../shared/check';
import { readAllSheets } from '../shared/workbook';
import { reconcile } from '../shared/reconcile';
import { analyse, TABLE_KEYS } from '../shared/analysis';
import { summarise } from '../shared/findings';
import { loadReference } from './reference-file';
import { Io, UsageError, langOption, parse, yearOption } from './args';
import { openXlsx } from './xlsx-workbook';
import { checkJson, checkText } from './format-check';
import { layoutAnalysis } from '../shared/sheet-layout';
import { titleUnit } from '../shared/headers';
import { writeAnalysisSheets } from './xlsx-analysis-writer';
import { localTimestamp, writeFileAtomically } from './output-file';

export async function runAnalyze(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string' },
    json: { type: 'boolean' },
    'as-of': { type: 'string' },
    year: { type: 'string' },
    lang: { type: 'string' },
    'unit-name': { type: 'string' },
    reference: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('analyze takes one workbook: ledger-sync analyze <book.xlsx> [--out out.xlsx] [--json]');
  const file = positionals[0]!;
  const lang = langOption(values.lang);
  if (values.out !== undefined && path.resolve(values.out) === path.resolve(file)) {
    throw new UsageError('--out must be a new file, not the input workbook');
  }
  const book = await openXlsx(file);
  const grids = await readAllSheets(book);
  const ref = loadReference(values.reference);
  const checked = checkWorkbook(grids, { lang, asOf: values['as-of'], year: yearOption(values.year), ref });
  const opts = { asOf: checked.as_of, ref, lang };
  const rec = reconcile(checked.ledgers, opts);
  const findings = [...checked.findings, ...rec.findings];
  sortFindings(findings, new Map(grids.map((g, i) => [g.name, i])));
  const result = { ...checked, findings, summary: summarise(findings) };
  const analysis = analyse({ ledgers: checked.ledgers, matches: rec.matches, findings, ...opts });
  const name = path.basename(file);
  let wrote = '';
  if (values.out !== undefined) {
    const unit = values['unit-name'] ?? titleUnit(grids) ?? path.basename(file, path.extname(file));
    const layouts = layoutAnalysis(analysis, { unit, period: checked.as_of.slice(0, 7), asOf: checked.as_of, generatedAt: localTimestamp(new Date()), lang });
    await writeFileAtomically(values.out, await writeAnalysisSheets(book.bytes, layouts));
    const charts = layouts.filter((l) => l.chart).length;
    wrote = lang === 'zh' ? `已写入 ${values.out}：${layouts.length} 张分析表，${charts} 个图表\n` : `wrote ${values.out}: ${layouts.length} analysis sheets, ${charts} charts\n`;
  }
  if (values.json) {
    const tables = Object.fromEntries(TABLE_KEYS.map((k) => [k, analysis.tables[k]]));
    io.out(JSON.stringify({ ...checkJson(name, result), analysis: tables, charts: analysis.charts }, null, 2) + '\n');
  } else {
    io.out(checkText(name, result, grids.map((g) => g.name), lang) + wrote);
  }
  return result.summary.error > 0 ? 1 : 0;
}
