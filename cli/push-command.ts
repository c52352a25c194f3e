/** `ledger-sync push`: validate locally, then push every ledger found, with a progress line. */
import path from 'node:path';
import { checkWorkbook } from '../shared/check';
import { preparePushes } from '../shared/push';
import { pushLedger } from '../shared/api-client';
import { LEDGERS, LedgerKind } from '../shared/ledgers';
import { nodeHasher } from '../server/node-hasher';
import { Io, SERVER_OPTIONS, UsageError, askServer, langOption, parse, periodOption, serverOptions, yearOption } from './args';
import { readWorkbookSheets } from './read-workbook';
import { MAP_OPTION, readCorrections } from './corrections-option';
import { loadReference } from './reference-file';

export async function runPush(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ...SERVER_OPTIONS,
    period: { type: 'string' },
    year: { type: 'string' },
    lang: { type: 'string' },
    json: { type: 'boolean' },
    reference: { type: 'string' },
    ...MAP_OPTION,
  });
  if (positionals.length !== 1) throw new UsageError({ zh: 'push 需要且只需要一个工作簿：ledger-sync push <工作簿> --server 地址 --token 令牌 --period YYYY-MM', en: 'push takes one workbook: ledger-sync push <book> --server URL --token T --period YYYY-MM' });
  const period = periodOption(values.period);
  const client = serverOptions(values);
  const lang = langOption(values.lang);
  const year = yearOption(values.year);
  const file = positionals[0]!;
  const { book, grids } = await readWorkbookSheets(file, lang);
  // Validated here as the service will: as of the end of the pushed month.
  const local = checkWorkbook(grids, { asOf: period, year, lang, ref: loadReference(values.reference), ...readCorrections(book, grids, values.map, lang) });
  const pushes = preparePushes(grids, local, { period, workbook: path.basename(file), year, hasher: nodeHasher });
  // A sheet that looks like a ledger but was not read is never pushed silently (V10): said, and counted.
  const unread = local.findings.filter((f) => f.code === 'V10');
  for (const f of unread) io.err(`${f.sheet}: ${f.message}\n`);
  if (pushes.length === 0) {
    throw new UsageError({ zh: `${path.basename(file)} 中没有读到任何台账，未推送：请按提示更正表头或工作表类型`, en: `${path.basename(file)} holds no ledger that could be read: nothing pushed; correct the headers or sheet kinds` });
  }
  const s0 = local.summary;
  io.err(lang === 'zh' ? `本地校验：${s0.error} 个错误，${s0.warning} 个警告，${s0.info} 条提示\n` : `local check: ${s0.error} errors, ${s0.warning} warnings, ${s0.info} info\n`);
  const results = [];
  let errors = 0;
  for (const p of pushes) {
    let last = -1;
    const t0 = Date.now();
    // On a refusal the progress line is ended first, so the message starts a line of its own.
    const r = await askServer({ zh: `推送${LEDGERS[p.open.kind].zh}`, en: `push of ${p.open.kind}` }, () =>
      pushLedger(client, p, ({ kind, sent, total }) => {
        const pct = total === 0 ? 100 : Math.floor((sent / total) * 100);
        if (pct === last) return;
        last = pct;
        const line = lang === 'zh' ? `${LEDGERS[kind as LedgerKind].zh}：${sent}/${total} 行（${pct}%）` : `${kind}: ${sent}/${total} rows (${pct}%)`;
        if (io.tty) io.err(`\r${line}`);
        else if (pct === 100 || pct % 25 === 0) io.err(line + '\n');
      }).finally(() => {
        if (io.tty) io.err('\n');
      }),
    );
    errors += r.findings_summary.error;
    results.push({ kind: p.open.kind, ...r, ms: Date.now() - t0 });
    if (!values.json) {
      const s = r.findings_summary;
      const name = lang === 'zh' ? LEDGERS[p.open.kind].zh : p.open.kind;
      io.out(
        lang === 'zh'
          ? `${name}：快照 ${r.snapshot_id}${r.unchanged ? '（内容未变）' : ''}，${r.row_count} 行，${s.error} 个错误，${s.warning} 个警告，${s.info} 条提示\n`
          : `${name}: snapshot ${r.snapshot_id}${r.unchanged ? ' (unchanged)' : ''}, ${r.row_count} rows, ${s.error} errors, ${s.warning} warnings, ${s.info} info\n`,
      );
    }
  }
  if (values.json) io.out(JSON.stringify({ file: path.basename(file), period, pushes: results }, null, 2) + '\n');
  return errors + unread.length > 0 ? 1 : 0;
}
