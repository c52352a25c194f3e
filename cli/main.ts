/** `ledger-sync` command line: the same core as the add-in and the service, on .xlsx files. */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { CheckOptions, OptionError, checkWorkbook } from '../shared/check';
import { Lang } from '../shared/findings';
import { readAllSheets } from '../shared/workbook';
import { WorkbookOpenError, openXlsx } from './xlsx-workbook';
import { checkJson, checkText } from './format-check';

export const USAGE = `Usage:
  ledger-sync check <book.xlsx> [--json] [--as-of YYYY-MM] [--year YYYY] [--lang zh|en]

Exit codes: 0 no error-level finding, 1 errors found, 2 cannot run.`;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** A problem that stops the command before any result: one line on stderr, exit 2. */
class UsageError extends Error {}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'check':
        return await runCheck(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"; run "ledger-sync --help"`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof OptionError || e instanceof WorkbookOpenError) {
      io.err(`ledger-sync: ${e.message}\n`);
    } else {
      // Never a stack trace for the user; LEDGER_SYNC_DEBUG=1 shows it to a developer.
      io.err(`ledger-sync: internal error: ${(e as Error).message}\n`);
      if (process.env.LEDGER_SYNC_DEBUG) io.err(`${(e as Error).stack}\n`);
    }
    return 2;
  }
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        'as-of': { type: 'string' },
        year: { type: 'string' },
        lang: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
}

function checkOptions(values: ReturnType<typeof parse>['values']): CheckOptions & { lang: Lang } {
  const lang = values.lang ?? 'zh';
  if (lang !== 'zh' && lang !== 'en') throw new UsageError(`--lang must be zh or en, got "${lang}"`);
  const opts: CheckOptions & { lang: Lang } = { lang };
  if (values['as-of'] !== undefined) opts.asOf = values['as-of'];
  if (values.year !== undefined) {
    if (!/^\d{4}$/.test(values.year)) throw new UsageError(`--year must be a year YYYY, got "${values.year}"`);
    opts.year = +values.year;
  }
  return opts;
}

async function runCheck(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args);
  if (positionals.length !== 1) throw new UsageError('check takes one workbook: ledger-sync check <book.xlsx>');
  const file = positionals[0]!;
  const opts = checkOptions(values);
  // The exceljs model is dropped once the grids are read: keeping it alive doubles the GC's work.
  const grids = await readAllSheets(await openXlsx(file));
  const result = checkWorkbook(grids, opts);
  const name = path.basename(file);
  if (values.json) io.out(JSON.stringify(checkJson(name, result), null, 2) + '\n');
  else io.out(checkText(name, result, grids.map((g) => g.name), opts.lang));
  return result.summary.error > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
