/**
 * A schema's refusal (a zod issue) in Chinese, for every shell that checks input against a schema:
 * the service's requests (server/http-errors.ts) and a deployment's reference file (the CLI).
 */

/** The shared schemas' own words (shared/api.ts) in Chinese; others are said as they are. */
const KNOWN_ZH = new Map(Object.entries({
  'a month YYYY-MM': '应为“年-月”格式的月份，如 2024-06',
  'a reason': '请写明原因',
  'no NUL characters': '不能含 NUL 字符',
  'a column letter such as A or AB': '应为列字母，如 A 或 AB',
  'a SHA-256 hex digest': '应为 64 位十六进制的 SHA-256 校验值',
  'expected an economic class code of digits (30201)': '应为数字组成的支出经济分类代码（如 30201）',
}));

/** The schemas' own words with a value in them. */
const PATTERNS_ZH: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^one mapping per source sheet: (\d+) expected$/, (m) => `每个来源工作表一项对应：应有 ${m[1]} 项`],
  [/^not a field of a (\w+) ledger$/, (m) => `不是 ${m[1]} 台账的字段`],
];

const TYPE_ZH = new Map(Object.entries({ string: '文字', number: '数字', int: '整数', boolean: 'true 或 false', object: '对象', array: '列表' }));

export type IssueLike = {
  path: PropertyKey[];
  message: string;
  code?: string;
  keys?: string[];
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  values?: unknown[];
};

/** A zod issue in Chinese: a schema's own words by KNOWN_ZH and PATTERNS_ZH, zod's own by its code, else a plain 内容不符合要求. */
export function issueZh(i: IssueLike): string {
  const known = KNOWN_ZH.get(i.message);
  if (known) return known;
  for (const [re, zh] of PATTERNS_ZH) {
    const m = re.exec(i.message);
    if (m) return zh(m);
  }
  const items = i.origin === 'array' || i.origin === 'set';
  const text = i.origin === 'string';
  switch (i.code) {
    case 'invalid_type':
      return /received undefined$/.test(i.message) ? '必须填写' : `应为${TYPE_ZH.get(i.expected ?? '') ?? i.expected ?? '其他类型'}`;
    case 'too_small':
      if (text) return Number(i.minimum) <= 1 ? '不能为空' : `至少 ${i.minimum} 个字符`;
      if (items) return `至少 ${i.minimum} 项`;
      return i.inclusive === false ? `应大于 ${i.minimum}` : `不能小于 ${i.minimum}`;
    case 'too_big':
      if (text) return `最多 ${i.maximum} 个字符`;
      if (items) return `最多 ${i.maximum} 项`;
      return i.inclusive === false ? `应小于 ${i.maximum}` : `不能大于 ${i.maximum}`;
    case 'invalid_value':
      return `应为以下之一：${(i.values ?? []).map(String).join('、')}`;
    case 'unrecognized_keys':
      return '不认识的字段，请删去';
    case 'invalid_format':
      return '格式不对';
    case 'invalid_key':
      return '字段名不对';
    case 'invalid_union':
      return '内容不符合要求';
    case 'not_multiple_of':
      return '数值不符合要求';
    default:
      // A message this file has no words for: said plainly rather than in English.
      return '内容不符合要求';
  }
}
