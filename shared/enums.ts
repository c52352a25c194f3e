/** The enumerations of values.md: canonical value → the spellings clerks write. */
import { foldForMatch } from './text';

export type EnumName = 'method' | 'asset_status' | 'event';

export const ENUMS: Record<EnumName, Record<string, { zh: string; en: string; also: string[] }>> = {
  method: {
    public_tender: { zh: '公开招标', en: 'public tender', also: ['招标'] },
    invited_tender: { zh: '邀请招标', en: 'invited tender', also: [] },
    competitive_negotiation: { zh: '竞争性谈判', en: 'competitive negotiation', also: ['谈判'] },
    competitive_consultation: { zh: '竞争性磋商', en: 'competitive consultation', also: ['磋商'] },
    single_source: { zh: '单一来源', en: 'single source', also: ['单一来源采购'] },
    inquiry: { zh: '询价', en: 'inquiry', also: ['询价采购'] },
    online_inquiry: { zh: '网上询价', en: 'online inquiry', also: ['网上竞价', '电子卖场', '网上商城'] },
    agreement: { zh: '协议采购', en: 'agreement', also: ['协议供货', '定点采购', '框架协议', '框架协议采购'] },
    self: { zh: '自行采购', en: 'self', also: ['分散采购', '自行组织'] },
    other: { zh: '其他', en: 'other', also: [] },
  },
  asset_status: {
    in_use: { zh: '在用', en: 'in use', also: ['正常使用', '使用中', '在用中', '正常', '使用'] },
    repair: { zh: '维修', en: 'repair', also: ['维修中', '送修'] },
    idle: { zh: '闲置', en: 'idle', also: ['未使用', '在库', '库存'] },
    lent: { zh: '出借', en: 'lent', also: ['出租', '出租出借', '借用', '借用中', '借出', '外借'] },
    transferred: { zh: '调出', en: 'transferred', also: ['已调拨', '调拨', '已调出'] },
    pending_disposal: { zh: '待报废', en: 'pending disposal', also: ['待处置'] },
    disposed: { zh: '报废', en: 'disposed', also: ['已报废', '已处置', '报损'] },
  },
  event: {
    intake: { zh: '入库', en: 'intake', also: ['验收入库', '新增', '入账'] },
    repair: { zh: '维修', en: 'repair', also: ['维护', '保养'] },
    reallocate: { zh: '调配', en: 'reallocate', also: ['调拨', '调剂', '转移', '调入'] },
    return: { zh: '归还', en: 'return', also: ['交回'] },
    inventory: { zh: '盘点', en: 'inventory', also: ['清查'] },
    disposal: { zh: '报废', en: 'disposal', also: ['处置', '清理', '报损', '出售', '对外捐赠'] },
  },
};

/** Folded spelling → canonical value, per enumeration; the canonical value itself is accepted too. */
const LOOKUP: Record<EnumName, Map<string, string>> = Object.fromEntries(
  (Object.keys(ENUMS) as EnumName[]).map((name) => {
    const map = new Map<string, string>();
    for (const [value, e] of Object.entries(ENUMS[name])) {
      for (const s of [value, e.zh, e.en, ...e.also]) map.set(foldForMatch(s), value);
    }
    return [name, map];
  }),
) as Record<EnumName, Map<string, string>>;

export function lookupEnum(name: EnumName, text: string): string | null {
  return LOOKUP[name].get(foldForMatch(text)) ?? null;
}
