/** The finding shape of contracts.md, severities of rules.md, and the bilingual messages. */
import { LEDGERS, LedgerKind, fieldSpec } from './ledgers';
import { ENUMS } from './enums';
import { MONEY_LIMIT_EXPECTED, PRODUCT_LIMIT_EXPECTED, QTY_LIMIT_EXPECTED } from './values';

export type Severity = 'error' | 'warning' | 'info';
export type Lang = 'zh' | 'en';

export const SEVERITY = {
  V00: 'error', V01: 'error', V02: 'error', V03: 'error', V04: 'error', V05: 'error',
  V06: 'warning', V07: 'error', V08: 'warning', V09: 'warning', V10: 'error', I01: 'info', I02: 'info', I03: 'info', I04: 'info', I05: 'info',
  P01: 'error', P02: 'error', P03: 'error', P04: 'error', P05: 'error', P06: 'error', P07: 'info', P08: 'error',
  P09: 'warning', P10: 'warning', P11: 'info',
  A01: 'error', A02: 'error', A03: 'warning', A04: 'warning', A05: 'warning', A06: 'error', A07: 'warning',
  E01: 'error', E02: 'error', E03: 'info', B01: 'error', B02: 'warning',
} as const satisfies Record<string, Severity>;

export type FindingCode = keyof typeof SEVERITY;

export interface Finding {
  code: FindingCode;
  severity: Severity;
  ledger?: LedgerKind;
  sheet?: string;
  row?: number;
  column?: string;
  field?: string;
  ids?: Record<string, string>;
  value?: string;
  expected?: string;
  message: string;
}

/** What a message may mention beyond the finding's own fields. */
export interface MessageArgs {
  /** Row where an id was first used (V05). */
  firstRow?: number;
  /** Further fields of the same row with the same problem (a rule fires once per row). */
  alsoFields?: string[];
  /** The column's header as the clerk wrote it, named in the message instead of the field's label. */
  header?: string;
  /** V10: the fields whose columns were found, the key fields missing, the unmapped headers nearest to them. */
  found?: string[];
  missing?: string[];
  near?: string[];
}

type Template = (f: Finding, label: string, a: MessageArgs) => string;

const q = (s: string | undefined) => `“${s ?? ''}”`;
const methodZh = (v: string | undefined) => (v && (ENUMS.method as Record<string, { zh: string }>)[v]?.zh) ?? v ?? '';

const missingZh = (kind: string | undefined) => (kind && kind in LEDGERS ? LEDGERS[kind as LedgerKind].zh : '台账');
/** What the rules a missing ledger stops would have judged (I05). */
const I05_WHAT_ZH: Record<string, string> = { plan: '采购是否有计划及数量、单价、方式、年度', asset: '采购的资产是否入账', purchase: '资产卡片和付款所指的采购是否存在', budget: '支出是否超预算' };
const I05_WHAT_EN: Record<string, string> = { plan: 'whether purchases were planned, and their quantity, price, method and year', asset: 'whether purchased assets were carded', purchase: 'whether the purchases named by cards and payments exist', budget: 'whether spending stayed within budget' };
const kindZh = (f: Finding) => (f.ledger ? LEDGERS[f.ledger].zh : '台账');
const kindEn = (f: Finding) => (f.ledger ? `a ${f.ledger}` : 'a');
/** A header as one line: its line breaks shown as spaces. */
const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
const labelsZh = (f: Finding, names: string[] | undefined) => (names ?? []).map((n) => `“${f.ledger ? fieldSpec(f.ledger, n)?.zh ?? n : n}”`).join('、');
const labelsEn = (f: Finding, names: string[] | undefined) => (names ?? []).map((n) => `"${f.ledger ? fieldSpec(f.ledger, n)?.en ?? n : n}"`).join(', ');

/**
 * What a cell should hold, in Chinese: `expected` of the JSON is the contract's (machine-readable,
 * partly English), so a Chinese message says it in its own words, by the field's type.
 */
function expectedZh(f: Finding): string {
  const type = f.ledger && f.field ? fieldSpec(f.ledger, f.field)?.type : undefined;
  if (f.field === 'item_code') return '品目编码：字母 A、B 或 C 后接 2–10 位数字（位数为偶数），如 A02010104';
  if (f.field === 'category_code') return '资产分类代码，如 A02010104，或 7 位数字（2010104）';
  if (f.expected === MONEY_LIMIT_EXPECTED) return '小于 1 万亿元（10¹² 元）的金额';
  if (f.expected === QTY_LIMIT_EXPECTED) return '小于 1 万亿（10¹²）的数量';
  if (f.expected === PRODUCT_LIMIT_EXPECTED) return '数量×单价小于 1 万亿元';
  if (type === 'money') return '金额，如 4800、¥4,800.00、1.2万';
  if (type === 'qty') return '数字，可带单位，如 5、5台、0.5项';
  if (type === 'year') return '2000–2100 的年份，如 2024、2024年、2024年度';
  if (type === 'enum:econ_class') return '已知的支出经济分类：5 位编码和/或名称，如“30201 办公费”';
  return '可识别的取值';
}

const ZH: Record<FindingCode, Template> = {
  V00: (_f, l) => `缺少必填列“${l}”，本表数据行未校验`,
  V01: (_f, l) => `必填项“${l}”为空`,
  V02: (f, l) => `“${l}”无法识别为数值：${q(f.value)}（应为${expectedZh(f)}）`,
  V03: (f, l) => `“${l}”无法识别为日期（日期不存在或日/月顺序不明）：${q(f.value)}`,
  V04: (f, l) => `“${l}”不是可识别的取值：${q(f.value)}（${/[a-z]{3}/i.test(f.expected ?? '') ? `应为${expectedZh(f)}` : `可用：${f.expected}`}）`,
  V05: (f, _l, a) => `编号 ${f.value} 已在第 ${a.firstRow} 行使用`,
  V06: (f) => `金额 ${f.value} 与 数量×单价 ${f.expected} 不符`,
  V07: (f, l) => `“${l}”必须${f.expected === '> 0' ? '大于 0' : '不小于 0'}：${q(f.value)}`,
  V08: (f, l) => `“${l}”编码格式不符：${q(f.value)}（应为${expectedZh(f)}）`,
  V09: (f, l) => `“${l}”日期 ${f.value} 超出合理范围（${f.expected}）`,
  I01: () => '小计/合计行，已跳过',
  I02: () => '未识别为台账：前 10 行中没有任何台账的关键列',
  V10: (f, _l, a) => `看起来是${kindZh(f)}，但未能读取：缺少关键列${labelsZh(f, a.missing)}；已识别的列：${labelsZh(f, a.found) || '无'}${a.near?.length ? `；最接近的未识别表头：${a.near.map(oneLine).map((h) => `“${h}”`).join('、')}` : ''}。请修改表头，或在加载项中更正列对应后再检查`,
  I03: () => '表尾（签字、说明）从此行开始，不作为数据读取',
  I04: (f) => (f.field === 'year' ? `${kindZh(f)}的年度取自当前日期（${f.value}）：表中、标题和选项都没有给出年度，请用 --year 指定` : `截至日期取自当前日期（${f.value}）：工作簿中没有可读的日期，请用 --as-of 指定`),
  I05: (f) => `未读到${missingZh(f.value)}，${f.expected ?? ''} 未核对（${I05_WHAT_ZH[f.value ?? ''] ?? ''}）：请在工作簿中加入${missingZh(f.value)}表，或在加载项中指定其工作表`,
  P01: (f) => (f.value ? `计划编号 ${f.value} 不存在（无计划采购）` : '找不到对应的采购计划（无计划采购）'),
  P02: (f) => `品目与计划不符：${f.value}，计划为 ${f.expected}`,
  P03: (f) => `累计采购数量 ${f.value} 超过计划数量 ${f.expected?.replace('<= ', '')}`,
  P04: (f) => `单价 ${f.value} 高于计划单价 ${f.expected?.replace('<= ', '')}`,
  P05: (f) => `累计采购金额 ${f.value} 超过计划金额 ${f.expected?.replace('<= ', '')}`,
  P06: (f) => `采购方式“${methodZh(f.value)}”与计划的“${methodZh(f.expected)}”不符，且无变更批复`,
  P07: (f) => `采购方式由“${methodZh(f.expected)}”变更为“${methodZh(f.value)}”（已有变更批复）`,
  P08: (f) => `该品目应采用“${methodZh(f.expected)}”，实际为“${methodZh(f.value)}”，且无变更批复`,
  P09: (f) => `采购年度 ${f.value} 与计划年度 ${f.expected} 不同`,
  P10: (f) => `疑似化整为零：同品目同部门 90 天内多笔采购合计 ${f.value}，达到公开招标数额标准 ${f.expected?.replace('>= ', '')}`,
  P11: () => '截至统计日该计划尚未执行任何采购',
  A01: (f) => `固定资产未足额入账：采购数量 ${f.expected}，资产卡片 ${f.value} 张`,
  A02: (f) => `资产卡片 ${f.value} 张，多于采购数量 ${f.expected}`,
  A03: (f) => `资产卡片价值合计 ${f.value} 与合同金额 ${f.expected} 不符`,
  A04: (f) => `合同编号 ${f.value} 在采购台账中不存在`,
  A05: (f) => `取得日期 ${f.value} 早于采购日期 ${f.expected}`,
  A06: (f) => `资产编号 ${f.value} 不在固定资产台账中`,
  A07: (f) => (f.field === undefined && f.ledger === 'asset' ? `资产已报废（${f.expected}），台账状态仍为“${f.value}”` : `报废（${f.expected}）之后仍有变动记录（${f.value}）`),
  E01: (f) => `累计付款 ${f.value} 超过合同金额 ${f.expected?.replace('<= ', '')}`,
  E02: (f) => `合同编号 ${f.value} 在采购台账中不存在`,
  E03: (f) => `合同签订于 ${f.value}，超过 ${f.expected} 天仍无付款记录`,
  B01: (f) => `累计支出 ${f.value} 超过预算指标 ${f.expected?.replace('<= ', '')}`,
  B02: (f) => `预算指标中没有“${f.value}”的指标`,
};

const EN: Record<FindingCode, Template> = {
  V00: (_f, l) => `Required column "${l}" is missing; the rows of this sheet were not checked`,
  V01: (_f, l) => `Required field "${l}" is empty`,
  V02: (f, l) => `"${l}" cannot be read as a number: "${f.value}" (expected ${f.expected})`,
  V03: (f, l) => `"${l}" cannot be read as a date (impossible or day/month ambiguous): "${f.value}"`,
  V04: (f, l) => `"${l}" is not a known value: "${f.value}" (expected ${f.expected})`,
  V05: (f, _l, a) => `id ${f.value} already used on row ${a.firstRow}`,
  V06: (f) => `amount ${f.value} ≠ quantity × unit price ${f.expected}`,
  V07: (f, l) => `"${l}" must be ${f.expected === '> 0' ? 'greater than 0' : 'zero or more'}: "${f.value}"`,
  V08: (f, l) => `"${l}" is not of the catalogue's form: "${f.value}" (expected ${f.expected})`,
  V09: (f, l) => `"${l}" date ${f.value} is out of range (${f.expected})`,
  I01: () => 'subtotal/total row, skipped',
  I02: () => 'no header row (first 10 rows) maps the key fields of any kind',
  V10: (f, _l, a) => `looks like ${kindEn(f)} ledger but was not read: key column(s) ${labelsEn(f, a.missing)} not found; columns found: ${labelsEn(f, a.found) || 'none'}${a.near?.length ? `; nearest unmapped headers: ${a.near.map(oneLine).map((h) => `"${h}"`).join(', ')}` : ''}. Rename the header, or correct the column mapping in the add-in, and check again`,
  I03: () => 'the footer (signatures, notes) starts here: not read as data',
  I04: (f) => (f.field === 'year' ? `the ${f.ledger ?? ''} ledger's year was taken from the current date (${f.value}): no column, title or option gave one; give it with --year` : `the as-of date was taken from the current date (${f.value}): the workbook has no readable date; give it with --as-of`),
  I05: (f) => `no ${f.value?.replace('_', ' ') ?? ''} ledger was read, so ${f.expected ?? ''} were not judged (${I05_WHAT_EN[f.value ?? ''] ?? ''}): add its sheet to the workbook, or point the add-in to it`,
  P01: (f) => (f.value ? `plan_id ${f.value} does not exist (purchase without a plan)` : 'no plan line matches this purchase (purchase without a plan)'),
  P02: (f) => `item differs from the plan line: ${f.value}, planned ${f.expected}`,
  P03: (f) => `cumulative quantity ${f.value} of the plan line exceeds the plan quantity ${f.expected?.replace('<= ', '')}`,
  P04: (f) => `unit price ${f.value} above the plan unit price ${f.expected?.replace('<= ', '')}`,
  P05: (f) => `cumulative amount ${f.value} of the plan line exceeds the plan amount ${f.expected?.replace('<= ', '')}`,
  P06: (f) => `method ${f.value} differs from the plan's ${f.expected}, no approval reference`,
  P07: (f) => `method changed from ${f.expected} to ${f.value} with an approval reference`,
  P08: (f) => `this item must be bought by ${f.expected}, was ${f.value}, no approval reference`,
  P09: (f) => `purchase year ${f.value} differs from the plan year ${f.expected}`,
  P10: (f) => `possible split purchase: same item and department within 90 days total ${f.value}, at or above the public-tender threshold ${f.expected?.replace('>= ', '')}`,
  P11: () => 'plan line without any purchase by the as-of date',
  A01: (f) => `quantity ${f.expected}, cards found ${f.value}`,
  A02: (f) => `${f.value} asset cards, more than the quantity ${f.expected}`,
  A03: (f) => `asset cards total ${f.value}, purchase amount ${f.expected}`,
  A04: (f) => `purchase_id ${f.value} does not exist`,
  A05: (f) => `acquired ${f.value}, before the purchase date ${f.expected}`,
  A06: (f) => `asset_id ${f.value} is not in the asset register`,
  A07: (f) => (f.field === undefined && f.ledger === 'asset' ? `asset disposed of (${f.expected}) but its status is still ${f.value}` : `event dated ${f.value}, after the asset's disposal (${f.expected})`),
  E01: (f) => `cumulative payments ${f.value} exceed the purchase amount ${f.expected?.replace('<= ', '')}`,
  E02: (f) => `purchase_id ${f.value} does not exist`,
  E03: (f) => `purchase dated ${f.value} (> ${f.expected} days before as-of) without any payment`,
  B01: (f) => `cumulative spending ${f.value} exceeds the budget line ${f.expected?.replace('<= ', '')}`,
  B02: (f) => `no budget line for ${f.value}`,
};

/** What each finding's message was made from, so that it can be said again in the other language. */
const ARGS = new WeakMap<Finding, MessageArgs>();

export function rememberArgs(f: Finding, args: MessageArgs): void {
  ARGS.set(f, args);
}

/** The finding's message in a given language (the service stores both). */
export function messageIn(f: Finding, lang: Lang): string {
  return renderMessage(f, lang, ARGS.get(f) ?? {});
}

export function renderMessage(f: Finding, lang: Lang, args: MessageArgs = {}): string {
  const spec = f.ledger && f.field ? fieldSpec(f.ledger, f.field) : undefined;
  const base = spec ? spec[lang] : (f.field ?? '');
  const header = args.header === undefined ? undefined : oneLine(args.header);
  const label = !header || header === base ? base : lang === 'zh' ? header : `${base} (${header})`;
  let text = (lang === 'zh' ? ZH : EN)[f.code](f, label, args);
  if (args.alsoFields?.length && f.ledger) {
    const names = args.alsoFields.map((n) => fieldSpec(f.ledger!, n)?.[lang] ?? n);
    text += lang === 'zh' ? `；同一行还有：${names.join('、')}` : `; also on this row: ${names.join(', ')}`;
  }
  return text;
}

export type Summary = Record<Severity, number>;

export function summarise(findings: readonly Finding[]): Summary {
  const s: Summary = { error: 0, warning: 0, info: 0 };
  for (const f of findings) s[f.severity]++;
  return s;
}
