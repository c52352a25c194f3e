/** `ledger-sync check`: read, find the ledgers, validate. */
import path from 'node:path';
import { CheckOptions, checkWorkbook } from '../shared/check';
import { Io, UsageError, langOption, parse, yearOption } from './args';
import { readWorkbookSheets } from './read-workbook';
import { MAP_OPTION, readCorrections } from './corrections-option';
import { loadReference } from './reference-file';
import { checkJson, checkText } from './format-check';

export async function runCheck(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    json: { type: 'boolean' },
    'as-of': { type: 'string' },
    year: { type: 'string' },
    lang: { type: 'string' },
    reference: { type: 'string' },
    ...MAP_OPTION,
  });
  if (positionals.length !== 1) throw new UsageError({ zh: 'check 需要且只需要一个工作簿：ledger-sync check <工作簿>', en: 'check takes one workbook: ledger-sync check <book>' });
  const file = positionals[0]!;
  const lang = langOption(values.lang);
  const opts: CheckOptions = { lang, asOf: values['as-of'], year: yearOption(values.year), ref: loadReference(values.reference) };
  const { book, grids } = await readWorkbookSheets(file, lang);
  const result = checkWorkbook(grids, { ...opts, ...readCorrections(book, grids, values.map, lang) });
  const name = path.basename(file);
  if (values.json) io.out(JSON.stringify(checkJson(name, result), null, 2) + '\n');
  else io.out(checkText(name, result, grids.map((g) => g.name), lang));
  return result.summary.error > 0 ? 1 : 0;
}
