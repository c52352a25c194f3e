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
}));

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

/** A zod issue in Chinese: zod's own wording by its code, a schema's own by KNOWN_ZH, else as it is. */
export function issueZh(i: IssueLike): string {
  const known = KNOWN_ZH.get(i.message);
  if (known) return known;
  // A message the schema gave itself (not zod's default) is said as given.
  if (!/^(Invalid|Too (big|small)|Unrecognized key)/.test(i.message)) return i.message;
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
    default:
      return i.message;
  }
}
