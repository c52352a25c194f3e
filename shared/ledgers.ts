/** The six ledger kinds of ledgers.md: fields, types, required flags, header synonyms, sheet hints. */
import { FieldType } from './values';

export const LEDGER_KINDS = ['plan', 'purchase', 'asset', 'asset_event', 'expense', 'budget'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface FieldSpec {
  name: string;
  type: FieldType;
  required: boolean;
  synonyms: string[];
  /** Column label in each language, for messages. */
  zh: string;
  en: string;
}

export interface LedgerSpec {
  kind: LedgerKind;
  zh: string;
  sheetHints: string[];
  keyFields: [string, string];
  /** The field that must be unique within the ledger (V05), if any. */
  idField: string | null;
  fields: FieldSpec[];
}

function f(name: string, type: FieldType, required: boolean, synonyms: string, en: string): FieldSpec {
  const list = synonyms.split(',').map((s) => s.trim());
  return { name, type, required, synonyms: list, zh: list[0]!, en };
}

export const LEDGERS: Record<LedgerKind, LedgerSpec> = {
  plan: {
    kind: 'plan',
    zh: '采购计划',
    sheetHints: ['采购计划', '计划', 'plan'],
    keyFields: ['plan_id', 'item_name'],
    idField: 'plan_id',
    fields: [
      f('plan_id', 'text', true, '计划编号, 计划号, 采购计划编号, 计划ID, plan id, plan no', 'plan id'),
      f('year', 'year', false, '预算年度, 年度, 计划年度, year', 'year'),
      f('department', 'text', false, '使用部门, 部门, 处室, 科室, 申报部门, 需求部门, 需求处室, 申请部门, department, 所属部门, 归属部门', 'department'),
      f('item_code', 'code', false, '品目编码, 品目代码, 采购品目编码, 品目编号, item code', 'item code'),
      f('item_name', 'text', true, '品目名称, 采购品目, 品目, 货物名称, 项目名称, 采购项目, item, item name', 'item name'),
      f('quantity', 'qty', true, '数量, 计划数量, 采购数量, qty, quantity', 'quantity'),
      f('unit_price', 'money', true, '单价, 预算单价, 计划单价, unit price', 'unit price'),
      f('amount', 'money', false, '金额, 预算金额, 计划金额, 采购预算, 合计金额, 项目总金额, 预算总额, amount, budget', 'amount'),
      f('method', 'enum:method', true, '采购方式, 组织形式, 采购组织形式, method', 'method'),
      f('fund_source', 'text', false, '资金来源, 资金性质, fund source', 'fund source'),
      f('approval_ref', 'text', false, '批复文号, 批复号, 计划批次, 批次, approval', 'approval'),
      f('note', 'text', false, '备注, note, remarks', 'note'),
    ],
  },
  purchase: {
    kind: 'purchase',
    zh: '采购执行',
    sheetHints: ['采购执行', '合同', '采购台账', '订单', 'purchase'],
    keyFields: ['purchase_id', 'item_name'],
    idField: 'purchase_id',
    fields: [
      f('purchase_id', 'text', true, '合同编号, 订单编号, 采购编号, 合同号, 订单号, 合同编码, contract no, purchase id', 'purchase id'),
      f('plan_id', 'text', false, '计划编号, 对应计划编号, 计划号, plan id', 'plan id'),
      f('date', 'date', true, '签订日期, 合同日期, 采购日期, 下单日期, 成交日期, 日期, date, 签署日期', 'date'),
      f('department', 'text', false, '使用部门, 部门, 处室, 科室, 需求部门, 申请部门, department, 所属部门, 归属部门', 'department'),
      f('item_code', 'code', false, '品目编码, 品目代码, item code', 'item code'),
      f('item_name', 'text', true, '品目名称, 采购品目, 品目, 货物名称, 名称, 项目名称, 合同名称, 商品名称, 设备名称, item name', 'item name'),
      f('spec', 'text', false, '规格型号, 型号, 规格, spec, model', 'spec'),
      f('supplier', 'text', false, '供应商, 供货单位, 中标单位, 成交供应商, 合同相对人, 乙方, supplier, 合同乙方, 合同相对方', 'supplier'),
      f('quantity', 'qty', true, '数量, 采购数量, qty, quantity', 'quantity'),
      f('unit_price', 'money', true, '单价, 成交单价, 中标单价, unit price', 'unit price'),
      f('amount', 'money', false, '金额, 合同金额, 成交金额, 中标金额, amount', 'amount'),
      f('method', 'enum:method', true, '采购方式, 组织形式, method', 'method'),
      f('method_exception_ref', 'text', false, '变更批复, 采购方式变更批复, 变更文号, exception ref', 'exception ref'),
      f('invoice_no', 'text', false, '发票号, 发票号码, invoice', 'invoice'),
    ],
  },
  asset: {
    kind: 'asset',
    zh: '固定资产台账',
    sheetHints: ['资产', '固定资产', '台账', '资产卡片', 'asset'],
    keyFields: ['asset_id', 'asset_name'],
    idField: 'asset_id',
    fields: [
      f('asset_id', 'text', true, '资产编号, 资产编码, 卡片编号, 资产卡片号, asset id, asset no, 设备编号, 仪器编号', 'asset id'),
      f('asset_name', 'text', true, '资产名称, 名称, asset name', 'asset name'),
      f('category_code', 'code', false, '资产分类代码, 分类代码, 资产分类, 资产分类编码, 资产类别编码, 分类编码, category code, 类别代码', 'category code'),
      f('category_name', 'text', false, '资产类别, 资产类型, 资产大类, 资产分类名称, 资产类别名称, 类别, category', 'category'),
      f('item_code', 'code', false, '品目编码, 品目代码, item code', 'item code'),
      f('spec', 'text', false, '规格型号, 型号, spec', 'spec'),
      // A card may stand for several units (1 when absent or empty); value = quantity × unit price when no value column.
      f('quantity', 'qty', false, '数量, 资产数量, 实有数量, quantity, 账面数量', 'quantity'),
      f('unit_price', 'money', false, '单价, 采购单价, 物品单价, unit price', 'unit price'),
      f('value', 'money', true, '价值, 原值, 资产原值, 账面原值, 金额, value, cost', 'value'),
      f('acquired_date', 'date', true, '取得日期, 入账日期, 入库日期, 购置日期, 采购日期, acquired date', 'acquired date'),
      f('purchase_id', 'text', false, '合同编号, 采购编号, 来源单号, 订单编号, purchase id', 'purchase id'),
      f('department', 'text', false, '使用部门, 部门, 管理部门, department, 所属部门, 归属部门', 'department'),
      f('custodian', 'text', false, '使用人, 保管人, 责任人, custodian', 'custodian'),
      f('location', 'text', false, '存放地点, 存放位置, 地点, 当前位置, 放置地点, location, 放置位置', 'location'),
      f('status', 'enum:asset_status', false, '使用状况, 使用状态, 状态, 资产状态, 使用情况, status', 'status'),
    ],
  },
  asset_event: {
    kind: 'asset_event',
    zh: '资产变动',
    sheetHints: ['资产变动', '变动', '维修', '处置', 'events'],
    keyFields: ['asset_id', 'event'],
    idField: null,
    fields: [
      f('asset_id', 'text', true, '资产编号, 资产编码, 卡片编号, asset id', 'asset id'),
      f('date', 'date', true, '日期, 变动日期, 发生日期, 报修日期, 维修日期, 调拨日期, 处置日期, 报废日期, date', 'date'),
      f('event', 'enum:event', true, '变动类型, 事项, 类型, 业务类型, event', 'event'),
      f('cost', 'money', false, '费用, 金额, 维修费用, cost', 'cost'),
      f('to_department', 'text', false, '调入部门, 接收部门, to department', 'to department'),
      f('note', 'text', false, '备注, 说明, note', 'note'),
    ],
  },
  expense: {
    kind: 'expense',
    zh: '支出明细',
    sheetHints: ['支出', '费用', '报销', '明细', 'expense'],
    keyFields: ['voucher_no', 'amount'],
    idField: 'voucher_no',
    fields: [
      f('voucher_no', 'text', true, '凭证号, 凭证编号, 记账凭证号, 单据号, voucher, 单据编号, 报销单号, 报销单编号', 'voucher'),
      f('date', 'date', true, '日期, 支付日期, 记账日期, 报销日期, date', 'date'),
      f('department', 'text', false, '部门, 使用部门, 处室, 科室, department, 所属部门, 归属部门', 'department'),
      f('econ_class', 'enum:econ_class', true, '经济分类, 支出经济分类, 经济科目, 科目, 支出科目, 科目名称, 部门经济分类, 经济分类科目, economic class, 科目编码', 'economic class'),
      f('amount', 'money', true, '金额, 支出金额, 支付金额, 报销金额, 发生额, amount, 付款金额', 'amount'),
      f('payee', 'text', false, '收款单位, 收款人, 供应商, payee', 'payee'),
      f('purchase_id', 'text', false, '合同编号, 采购编号, 订单编号, purchase id', 'purchase id'),
      f('summary', 'text', false, '摘要, 用途, 事由, summary, 报销事由, 资金用途', 'summary'),
    ],
  },
  budget: {
    kind: 'budget',
    zh: '预算指标',
    sheetHints: ['预算指标', '预算', '指标', 'budget'],
    keyFields: ['econ_class', 'amount'],
    idField: null,
    fields: [
      f('year', 'year', false, '预算年度, 年度, year', 'year'),
      f('department', 'text', false, '部门, 处室, 科室, 使用部门, 业务处室, department, 所属部门, 归属部门', 'department'),
      f('econ_class', 'enum:econ_class', true, '经济分类, 支出经济分类, 经济科目, 科目, 科目名称, 部门经济分类, economic class, 科目编码', 'economic class'),
      f('amount', 'money', true, '预算金额, 指标金额, 全年预算, 金额, 总指标, 指标数, 年初预算, 预算数, budget, amount, 批复金额', 'amount'),
      f('note', 'text', false, '备注, 摘要, 指标摘要, note', 'note'),
    ],
  },
};

/** Fields a row of this kind refers to other ledgers by, listed in `ids` of its findings. */
export const REFERENCE_FIELDS = ['plan_id', 'purchase_id', 'asset_id'] as const;

/** Money fields that may be negative (refunds, 红字冲销); any other negative amount is V07. */
export function mayBeNegative(kind: LedgerKind, field: string): boolean {
  return kind === 'expense' && field === 'amount';
}

export function fieldSpec(kind: LedgerKind, field: string): FieldSpec | undefined {
  return LEDGERS[kind].fields.find((x) => x.name === field);
}
