/** What `ledger-sync --help` and `ledger-sync <command> --help` say, in the session's language. */
import { Lang } from '../shared/findings';

interface CommandUsage {
  command: string;
  synopsis: string;
  zh: string;
  en: string;
}

const COMMANDS: CommandUsage[] = [
  { command: 'check', synopsis: 'check <book> [--json] [--as-of YYYY-MM] [--year YYYY] [--lang zh|en] [--map FILE] [--reference FILE]', zh: '找出台账表，逐格校验', en: 'find the ledger sheets and validate every cell' },
  { command: 'analyze', synopsis: 'analyze <book> [--out out.xlsx | --in-place] [--json] [--as-of YYYY-MM] [--year YYYY] [--lang zh|en] [--unit-name NAME] [--map FILE] [--reference FILE]', zh: '校验、核对并写出预算执行分析（--in-place：写回原文件，原文件另存为 .bak）', en: 'validate, reconcile and write the budget-execution analysis (--in-place: into the input, the original kept as .bak)' },
  { command: 'push', synopsis: 'push <book> --server URL --token T --period YYYY-MM [--year YYYY] [--json] [--map FILE] [--reference FILE]', zh: '本地校验后把每本台账推送到服务', en: 'validate locally, then push every ledger to the service' },
  { command: 'report', synopsis: 'report --server URL --token T --period YYYY-MM [--unit CODE] [--out out.xlsx] [--json] [--lang zh|en]', zh: '取回服务端的分析并写成工作簿（复核人员不带 --unit：全部单位）', en: "fetch the service's analysis as a workbook (a reviewer without --unit: all units)" },
  { command: 'close', synopsis: 'close --server URL --token T --period YYYY-MM --unit CODE [--override REASON] [--json]', zh: '结账（复核人员）', en: 'close the month (reviewer)' },
  { command: 'reopen', synopsis: 'reopen --server URL --token T --period YYYY-MM --unit CODE --reason REASON [--json]', zh: '重新打开已结账的月份（复核人员）', en: 'reopen a closed month (reviewer)' },
  { command: 'diff', synopsis: 'diff --server URL --token T --period YYYY-MM [--kind K] [--unit CODE] [--out out.xlsx] [--json]', zh: '与上月相比新增、删除、修改的行', en: 'rows added, removed and changed against the month before' },
  { command: 'audit', synopsis: 'audit --server URL --token T [--period YYYY-MM] [--unit CODE] --out audit.xlsx [--json]', zh: '导出审计记录（复核人员）', en: 'export the audit trail (reviewer)' },
  { command: 'manifest', synopsis: 'manifest --origin https://host [--out manifest.prod.xml] [--lang zh|en]', zh: '生成指向本单位服务地址的加载项清单', en: "write the add-in's manifest for the unit's service address" },
  { command: 'serve', synopsis: 'serve [--port N] [--host ADDR] [--db URL] [--http] [--reference FILE] [--lang zh|en]', zh: '运行服务（默认仅本机 127.0.0.1:3000；--host 0.0.0.0 供本单位其他电脑访问）', en: 'run the service (127.0.0.1:3000 by default; --host 0.0.0.0 for the unit’s other computers)' },
  { command: 'token', synopsis: 'token create --unit CODE [--unit-name NAME] --role clerk|reviewer|admin [--label TEXT] [--expires-in 90d|12w|6m|1y|never] [--db URL] [--json]', zh: '创建令牌（默认 90 天后过期）', en: 'create a token (expires in 90 days by default)' },
  { command: 'token', synopsis: 'token list [--unit CODE] [--db URL] [--json]', zh: '列出令牌（从不显示令牌本身）', en: 'list tokens (never the token itself)' },
  { command: 'token', synopsis: 'token revoke <id> [--db URL] [--json]', zh: '立即吊销令牌', en: 'revoke a token at once' },
  { command: 'backup', synopsis: 'backup --out FILE [--db URL] [--force] [--json]', zh: '服务运行时做一致的备份', en: 'a consistent backup while the service runs' },
  { command: 'restore', synopsis: 'restore FILE [--db URL] [--force] [--json]', zh: '把备份恢复到空数据库', en: 'restore a backup into an empty database' },
  { command: 'db', synopsis: 'db copy --from URL --to URL [--unit CODE] [--json]', zh: '在 SQLite 与 PostgreSQL 之间复制全部数据或一个单位的数据，并核对', en: "copy every table, or one unit's data, between SQLite and PostgreSQL, verified" },
];

const NOTES: Record<Lang, string> = {
  zh: `<book> 可以是 .xlsx、.xlsm、.xls、.et、.ods 或 .csv 工作簿。--map FILE：对工作表读取方式的更正
（{"sheets": {"<表名>": {"kind": "purchase", "header_row": 3, "columns": {"date": "I"}}}}），优先于加载项保存在工作簿中的更正。
check、analyze、push、serve 可用 --reference file.json（或 LEDGER_SYNC_REFERENCE）指定本单位的参考数据（docs/reference-data.md）。
--server、--token 也可来自 LEDGER_SYNC_SERVER、LEDGER_SYNC_TOKEN；--db 来自 DATABASE_URL（默认 sqlite:data/ledger-sync.sqlite）。
语言：--lang zh|en，否则按 LC_ALL/LC_MESSAGES/LANG（en_… 为英文），默认中文。
限流：LEDGER_SYNC_RATE_PER_ADDRESS、LEDGER_SYNC_RATE_PER_TOKEN、LEDGER_SYNC_AUTH_FAILURES（见 README）。
退出码：0 没有错误级问题，1 发现错误，2 无法运行。`,
  en: `<book> is any workbook: .xlsx, .xlsm, .xls, .et, .ods or .csv. --map FILE: corrections of how its
sheets are read ({"sheets": {"<sheet>": {"kind": "purchase", "header_row": 3, "columns": {"date": "I"}}}}),
over those the task pane saved in the workbook.
check, analyze, push and serve take --reference file.json (or LEDGER_SYNC_REFERENCE): the
deployment's reference data over the defaults (docs/reference-data.md).
--server and --token also come from LEDGER_SYNC_SERVER and LEDGER_SYNC_TOKEN; --db from DATABASE_URL
(default sqlite:data/ledger-sync.sqlite).
Language: --lang zh|en, else LC_ALL/LC_MESSAGES/LANG (en_… is English), else Chinese.
Rate limits: LEDGER_SYNC_RATE_PER_ADDRESS, LEDGER_SYNC_RATE_PER_TOKEN, LEDGER_SYNC_AUTH_FAILURES (README).
Exit codes: 0 no error-level finding, 1 errors found, 2 cannot run.`,
};

const line = (c: CommandUsage, lang: Lang) => `  ledger-sync ${c.synopsis}\n      ${c[lang]}`;

/** Every command, then the notes. */
export function usageText(lang: Lang): string {
  return `${lang === 'zh' ? '用法' : 'Usage'}:\n${COMMANDS.map((c) => line(c, lang)).join('\n')}\n\n${NOTES[lang]}\n`;
}

/** One command's lines (`ledger-sync token --help`: its three), or undefined for an unknown command. */
export function commandUsage(command: string, lang: Lang): string | undefined {
  const mine = COMMANDS.filter((c) => c.command === command);
  if (mine.length === 0) return undefined;
  return `${lang === 'zh' ? '用法' : 'Usage'}:\n${mine.map((c) => line(c, lang)).join('\n')}\n\n${lang === 'zh' ? '全部命令与说明：ledger-sync --help' : 'Every command and the notes: ledger-sync --help'}\n`;
}
