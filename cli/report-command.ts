/** `ledger-sync report`: the service's analysis of a period, written as a workbook of analysis sheets. */
import { Analysis, TABLE_KEYS } from '../shared/analysis';
import { AnalysisResponse, DiffResponse } from '../shared/api';
import { changesLayout } from '../shared/month-end-tables';
import { apiRequest } from '../shared/api-client';
import { layoutAnalysis } from '../shared/sheet-layout';
import { Io, SERVER_OPTIONS, UsageError, askServer, langOption, parse, periodOption, serverOptions } from './args';
import { localTimestamp, writeFileAtomically } from './output-file';
import { writeAnalysisSheets } from '../shared/write/analysis-sheets';

export async function runReport(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ...SERVER_OPTIONS,
    period: { type: 'string' },
    unit: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    lang: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError({ zh: `report 不读工作簿（多了“${positionals[0]}”）：它把服务器上的分析写到 --out`, en: `report takes no workbook (got "${positionals[0]}"): it writes the service's analysis to --out` });
  const period = periodOption(values.period);
  const client = serverOptions(values);
  const lang = langOption(values.lang);
  if (values.out === undefined && !values.json) throw new UsageError({ zh: 'report 须指定 --out 分析.xlsx 或 --json（或两者都给）', en: 'report needs --out out.xlsx, --json, or both' });
  const query = new URLSearchParams({ period, lang, ...(values.unit ? { unit: values.unit } : {}) });
  const a = await askServer({ zh: `查询 ${period} 分析`, en: `analysis of ${period}` }, () => apiRequest<AnalysisResponse>(client, 'GET', `/analysis?${query}`));
  const missing = TABLE_KEYS.filter((k) => !a.tables?.[k]);
  if (missing.length > 0) throw new UsageError({ zh: `服务器返回的分析缺少表 ${missing.join('、')}：服务器的版本可能较旧，请管理员升级`, en: `the service's analysis lacks the table(s) ${missing.join(', ')}: is it an older version?` });
  if (values.out !== undefined) {
    const generatedAt = localTimestamp(new Date());
    const layouts = layoutAnalysis(a as unknown as Analysis, { unit: a.unit_name ?? a.unit, period, asOf: a.as_of, generatedAt, lang });
    // One unit's report also says what changed since last month (本月变动); across units there is no one diff.
    const diff = a.unit === '*' ? null : await askServer({ zh: `查询 ${period} 本月变动`, en: `diff of ${period}` }, () => apiRequest<DiffResponse>(client, 'GET', `/periods/${period}/diff?${new URLSearchParams({ unit: a.unit })}`));
    const sheets = diff ? [...layouts, changesLayout(diff, a.unit_name ?? a.unit, lang, generatedAt)] : layouts;
    await writeFileAtomically(values.out, await writeAnalysisSheets(null, sheets));
    const charts = layouts.filter((l) => l.chart).length;
    if (!values.json) {
      io.out(lang === 'zh'
        ? `已写入 ${values.out}：${a.unit === '*' ? '全部单位' : a.unit} ${period} 的 ${layouts.length} 张分析表，${charts} 个图表${diff ? `，以及与 ${diff.previous_period} 相比的本月变动` : ''}\n`
        : `${values.out}: ${layouts.length} analysis sheets of ${a.unit} ${period}, ${charts} charts${diff ? `, and the changes since ${diff.previous_period}` : ''}\n`);
    }
  }
  if (values.json) io.out(JSON.stringify(a, null, 2) + '\n');
  return 0;
}
