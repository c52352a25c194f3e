/** `ledger-sync backup`, `restore` and `db copy`: a unit's IT keeps and moves its data. */
import path from 'node:path';
import { Db, openDb } from '../server/db';
import { dbUrl } from './server-commands';
import { backup, restore } from '../server/backup';
import { CopyReport, TransferError, copyAll, copyUnit } from '../server/db-transfer';
import { Io, UsageError, parse, sessionLang } from './args';

/** A URL without its password, for what is printed. */
const shown = (url: string) => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');

/** Opens a database or says in one line that it cannot be reached (nothing is changed). */
async function open(url: string, role: { zh: string; en: string }): Promise<Db> {
  try {
    return await openDb(url);
  } catch (e) {
    const why = (e as { parent?: Error; original?: Error }).parent?.message ?? (e as Error).message;
    throw new TransferError({
      zh: `无法打开${role.zh}数据库 ${shown(url)}（${why.split('\n')[0]}）：请检查地址、用户名和密码，以及数据库服务是否在运行`,
      en: `cannot open the ${role.en} database ${shown(url)} (${why.split('\n')[0]}): check the URL, user and password, and that the database server runs`,
    });
  }
}

function summary(r: CopyReport, lang: 'zh' | 'en'): string {
  const rows = Object.values(r.tables).reduce((a, b) => a + b, 0);
  return lang === 'zh'
    ? `${rows} 行（${r.snapshots} 个快照，审计记录 ${r.tables.audit_events ?? 0} 条）；行数一致，${r.verified} 个快照的内容摘要和数据逐一核对无误`
    : `${rows} rows (${r.snapshots} snapshots, ${r.tables.audit_events ?? 0} audit events); row counts agree and ${r.verified} snapshots' content hashes and rows check out`;
}

export async function runBackup(args: string[], io: Io): Promise<number> {
  const lang = sessionLang(args);
  const { values, positionals } = parse(args, { out: { type: 'string' }, db: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' }, lang: { type: 'string' } });
  if (positionals.length > 0 || !values.out) throw new UsageError({ zh: '用法：ledger-sync backup --out 备份文件 [--db URL] [--force] [--json]', en: 'usage: ledger-sync backup --out FILE [--db URL] [--force] [--json]' });
  const db = await open(dbUrl(values.db), { zh: '', en: 'service' });
  try {
    const r = await backup(db, values.out, values.force ?? false);
    if (values.json) io.out(JSON.stringify(r, null, 2) + '\n');
    else {
      const rows = Object.values(r.tables).reduce((a, b) => a + b, 0);
      io.out(lang === 'zh'
        ? `已备份到 ${r.file}：${(r.bytes / 1048576).toFixed(1)} MB，${rows} 行（${r.tables.snapshots} 个快照，审计记录 ${r.tables.audit_events} 条），完整性检查通过\n`
        : `backed up to ${r.file}: ${(r.bytes / 1048576).toFixed(1)} MB, ${rows} rows (${r.tables.snapshots} snapshots, ${r.tables.audit_events} audit events), integrity check ok\n`);
    }
  } finally {
    await db.close();
  }
  return 0;
}

export async function runRestore(args: string[], io: Io): Promise<number> {
  const lang = sessionLang(args);
  const { values, positionals } = parse(args, { db: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' }, lang: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError({ zh: '用法：ledger-sync restore 备份文件 [--db URL] [--force] [--json]', en: 'usage: ledger-sync restore FILE [--db URL] [--force] [--json]' });
  const url = dbUrl(values.db);
  if (url.startsWith('sqlite:') && path.resolve(url.slice(7)) === path.resolve(positionals[0]!)) {
    throw new TransferError({ zh: '备份文件与目标数据库是同一个文件', en: 'the backup file and the target database are the same file' });
  }
  const r = await restore(positionals[0]!, url, values.force ?? false).catch(async (e) => {
    // A target that cannot be opened is said as such; the backup's own refusals pass as they are.
    if (e instanceof TransferError || e instanceof UsageError) throw e;
    await open(url, { zh: '目标', en: 'target' });
    throw e;
  });
  if (values.json) io.out(JSON.stringify(r, null, 2) + '\n');
  else io.out(lang === 'zh' ? `已恢复到 ${shown(url)}：${summary(r, lang)}\n` : `restored into ${shown(url)}: ${summary(r, lang)}\n`);
  return 0;
}

export async function runDb(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const lang = sessionLang(rest);
  if (sub !== 'copy') throw new UsageError({ zh: '用法：ledger-sync db copy --from URL --to URL [--unit 单位代码] [--json]', en: 'usage: ledger-sync db copy --from URL --to URL [--unit CODE] [--json]' });
  const { values, positionals } = parse(rest, { from: { type: 'string' }, to: { type: 'string' }, unit: { type: 'string' }, json: { type: 'boolean' }, lang: { type: 'string' } });
  if (positionals.length > 0 || !values.from || !values.to) throw new UsageError({ zh: 'db copy 需要 --from URL 和 --to URL', en: 'db copy needs --from URL and --to URL' });
  if (values.from === values.to) throw new UsageError({ zh: '--from 与 --to 是同一个数据库', en: '--from and --to are the same database' });
  const from = await open(values.from, { zh: '源', en: 'source' });
  try {
    const to = await open(values.to, { zh: '目标', en: 'target' });
    try {
      const r = values.unit ? await copyUnit(from, to, values.unit) : await copyAll(from, to);
      if (values.json) io.out(JSON.stringify({ from: shown(values.from), to: shown(values.to), unit: values.unit ?? null, ...r }, null, 2) + '\n');
      else {
        const what = values.unit ? (lang === 'zh' ? `单位 ${values.unit} 的数据` : `unit ${values.unit}`) : lang === 'zh' ? '全部数据' : 'every table';
        io.out(lang === 'zh' ? `已将${what}从 ${shown(values.from)} 复制到 ${shown(values.to)}：${summary(r, lang)}\n` : `copied ${what} from ${shown(values.from)} to ${shown(values.to)}: ${summary(r, lang)}\n`);
      }
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
  return 0;
}
