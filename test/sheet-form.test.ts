/**
 * layouts.md, rule by rule, and each rule's absence: title and unit lines, grouped header blocks,
 * rows that are not data, footers, V10 for sheets that look like ledgers but were not read.
 */
import assert from 'node:assert/strict';
import { checkWorkbook } from '../shared/check';
import { headerBlockAt, isFooterRow, unitOfLine } from '../shared/sheet-form';
import { Cell } from '../shared/workbook';
import { formGrid, where } from './support/grid';
import { preparePushes } from '../shared/push';
import { readPushChunk } from '../shared/push';
import { nodeHasher } from '../server/node-hasher';
import { DEFAULT_REFERENCE } from '../shared/reference';

const sheet = formGrid;

const PLAN_HEADER = ['序号', '计划编号', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];

describe('unit lines: the money unit of a sheet', () => {
  const cases: [string, '元' | '万元' | null][] = [
    ['单位：万元', '万元'], ['金额单位:元', '元'], ['（单位：万元）', '万元'], ['单位：人民币万元', '万元'], ['单位：元', '元'],
    ['Unit: 10,000 yuan', '万元'], ['填报单位：某某局', null], ['单位名称：某某局', null], ['某某局2024年度政府采购计划表（金额单位：万元）', '万元'],
  ];
  for (const [text, unit] of cases) it(`${text} → ${unit ?? 'none'}`, () => assert.equal(unitOfLine(text), unit));

  const plan = (unitLine: Cell[], header = PLAN_HEADER, row: Cell[] = [1, 'JH-1', 'A02010104', '台式计算机', 2, 0.5, 1, '协议采购']) =>
    sheet('采购计划', [['某某局2024年度政府采购计划表'], unitLine, header, row]);

  it('a 万元 line above the header scales every money field, never the quantity', () => {
    const r = checkWorkbook([plan(['', '', '', '', '', '', '单位：万元'])], { asOf: '2024-06' });
    const v = r.ledgers.plan!.rows[0]!.values;
    assert.deepEqual([v.quantity, v.unit_price, v.amount], [2, 500_000, 1_000_000]); // fen: 5,000.00 and 10,000.00 yuan
    assert.equal(r.sheets[0]!.money_unit, '万元');
    assert.equal(r.sheets[0]!.header_row, 3);
  });

  it('a header\'s own unit wins over the unit line', () => {
    const header = [...PLAN_HEADER];
    header[5] = '单价（元）';
    const r = checkWorkbook([plan(['单位：万元'], header, [1, 'JH-1', 'A02010104', '台式计算机', 2, 5000, 1, '协议采购'])], { asOf: '2024-06' });
    const v = r.ledgers.plan!.rows[0]!.values;
    assert.deepEqual([v.unit_price, v.amount], [500_000, 1_000_000]);
  });

  it('a unit in the cell wins over both', () => {
    const r = checkWorkbook([plan(['单位：万元'], PLAN_HEADER, [1, 'JH-1', 'A02010104', '台式计算机', 2, '5000元', '1万', '协议采购'])], { asOf: '2024-06' });
    const v = r.ledgers.plan!.rows[0]!.values;
    assert.deepEqual([v.unit_price, v.amount], [500_000, 1_000_000]);
  });

  it('a unit line in the header row outside the mapped columns counts too', () => {
    const header = [...PLAN_HEADER, '金额单位：万元'];
    const r = checkWorkbook([sheet('采购计划', [header, [1, 'JH-1', 'A02010104', '台式计算机', 2, 0.5, 1, '协议采购']])], { asOf: '2024-06' });
    assert.equal(r.ledgers.plan!.rows[0]!.values.amount, 1_000_000);
  });

  it('without a unit line amounts are yuan and the sheet names no unit', () => {
    const r = checkWorkbook([plan(['填报单位：某某局'])], { asOf: '2024-06' });
    assert.equal(r.ledgers.plan!.rows[0]!.values.unit_price, 50);
    assert.equal(r.sheets[0]!.money_unit, undefined);
  });
});

describe('grouped header blocks', () => {
  const assets = () =>
    sheet(
      '固定资产台账',
      [
        ['固定资产卡片登记表'],
        ['资产编号', '资产名称', '价值（元）', null, '取得日期', '使用部门'],
        [null, null, '原值', '累计折旧', null, null],
        ['ZC-1', '台式计算机', 5000, 1200, '2024-03-05', '办公室'],
        ['ZC-2', '打印机', 3000, 300, '2024-04-01', '财务科'],
      ],
      ['C2:D2', 'A2:A3', 'B2:B3', 'E2:E3', 'F2:F3'],
    );

  it('a two-row header is one block: labels from the lowest row, the sub-header never read as data', () => {
    const r = checkWorkbook([assets()], { asOf: '2024-06' });
    assert.deepEqual(where(r.findings), []);
    const s = r.sheets[0]!;
    assert.deepEqual([s.header_row, s.header_rows, s.data_rows], [2, 2, 2]);
    assert.equal(s.mapping.value, 'C', '原值 under 价值（元）');
    assert.deepEqual(s.unmapped, ['累计折旧'], '累计折旧 is another figure');
    assert.equal(r.ledgers.asset!.rows[0]!.values.value, 500_000);
  });

  it('the block knows each column\'s label and its group', () => {
    const b = headerBlockAt(assets(), 1);
    assert.equal(b.rows, 2);
    assert.deepEqual(b.columns.slice(0, 5), [
      { label: '资产编号', parent: '' }, { label: '资产名称', parent: '' }, { label: '原值', parent: '价值（元）' }, { label: '累计折旧', parent: '价值（元）' }, { label: '取得日期', parent: '' },
    ]);
  });

  it('a group\'s unit applies to its columns; a column matched through its group\'s label', () => {
    const budget = sheet(
      '预算指标',
      [['经济分类', '预算金额（万元）', null, null], [null, '合计', '财政拨款', '其他资金'], ['30201 办公费', 1.5, 1, 0.5]],
      ['B1:D1', 'A1:A2'],
    );
    const r = checkWorkbook([budget], { asOf: '2024-06' });
    assert.equal(r.sheets[0]!.header_rows, 2);
    assert.equal(r.sheets[0]!.mapping.amount, 'B', '预算金额 + 合计: the first column of the group that names the figure');
    assert.equal(r.ledgers.budget!.rows[0]!.values.amount, 1_500_000);
  });

  it('without a horizontal merge the next row is data, not a sub-header', () => {
    const b = headerBlockAt(sheet('x', [['资产编号', '资产名称'], ['ZC-1', '电脑']]), 0);
    assert.equal(b.rows, 1);
  });
});

describe('rows that are not data', () => {
  const contracts = (extra: Cell[][]) =>
    sheet('合同台账', [['序号', '合同编号', '采购日期', '品目名称', '数量', '单价', '金额', '采购方式'], [1, 'HT-1', '2024-03-05', '台式计算机', 1, 5000, 5000, '询价'], ...extra]);

  it('a template\'s pre-numbered empty rows are skipped silently', () => {
    const r = checkWorkbook([contracts([[2], [3], [4], [5]])], { asOf: '2024-06' });
    assert.deepEqual(where(r.findings), []);
    assert.equal(r.sheets[0]!.data_rows, 1);
  });

  it('a header repeated page by page is skipped silently', () => {
    const r = checkWorkbook([contracts([['序号', '合同编号', '采购日期', '品目名称', '数量', '单价（元）', '金额', '采购方式'], [2, 'HT-2', '2024-03-06', '打印机', 1, 800, 800, '询价']])], { asOf: '2024-06' });
    assert.deepEqual(where(r.findings), []);
    assert.equal(r.sheets[0]!.data_rows, 2);
  });

  const totals: [string, boolean][] = [['小计', true], ['合计', true], ['总计', true], ['Total', true], ['本页小计', true], ['办公室小计', true], ['合计：', true], ['总 计', false], ['小计算器', true], ['合计金额说明表', true], ['计算器', false]];
  for (const [text, total] of totals) {
    it(`${JSON.stringify(text)} ${total ? 'is' : 'is not'} a total row`, () => {
      const r = checkWorkbook([contracts([[null, text, null, null, null, null, 5000, null]])], { asOf: '2024-06' });
      assert.equal(r.findings.some((f) => f.code === 'I01'), total, JSON.stringify(where(r.findings)));
    });
  }
});

describe('footers', () => {
  const labels = ['制表人：张三', '审核人：李四', '填表说明：金额保留两位小数', '注：本表一式两份', '注:', '单位负责人：', '填报日期：2024年6月30日', '说明'];
  for (const l of labels) it(`${l} begins a footer`, () => assert.ok(isFooterRow([null, l])));
  for (const l of ['HT-1', '张三', '注意事项', '审 计费']) it(`${l} does not`, () => assert.ok(!isFooterRow([l])));

  it('no finding comes from the footer; one I03 where it begins', () => {
    const g = sheet('合同台账', [
      ['合同编号', '采购日期', '品目名称', '数量', '单价', '金额', '采购方式'],
      ['HT-1', '2024-03-05', '台式计算机', 1, 5000, 5000, '询价'],
      ['制表人：张三', null, '审核人：李四', null, '负责人：王五'],
      ['填表说明：1. 金额单位为元；2. 日期格式为 2024-01-01'],
    ]);
    const r = checkWorkbook([g], { asOf: '2024-06' });
    assert.deepEqual(where(r.findings), ['I03@合同台账!3']);
    assert.equal(r.sheets[0]!.data_rows, 1);
  });

  it('the service reads a pushed footer as the CLI does (I03, no data from it)', () => {
    const g = sheet('合同台账', [['合同编号', '采购日期', '品目名称', '数量', '单价', '金额', '采购方式'], ['HT-1', '2024-03-05', '台式计算机', 1, 5000, 5000, '询价'], ['制表人：张三'], ['HT-X', '不是数据']]);
    const local = checkWorkbook([g], { asOf: '2024-06' });
    const [p] = preparePushes([g], local, { period: '2024-06', workbook: 'b.xlsx', hasher: nodeHasher });
    assert.deepEqual(p!.sourceRows, [[0, 2], [0, 3]], 'rows up to the footer\'s first row are sent');
    const parsed = readPushChunk(p!.open, p!.rows, p!.sourceRows, { ref: DEFAULT_REFERENCE, lang: 'zh' });
    assert.deepEqual(parsed[0]!.findings.map((f) => `${f.code}@${f.row}`), ['I03@3']);
    assert.equal(parsed[0]!.rows.length, 1);
  });
});

describe('V10: a sheet that looks like a ledger but was not read is an error, never I02', () => {
  it('a key column under an unknown name', () => {
    const g = sheet('资产', [['卡片号码', '资产名称', '原值', '取得日期'], ['ZC-1', '电脑', 5000, '2024-03-05']]);
    const r = checkWorkbook([g], { asOf: '2024-06' });
    assert.deepEqual(where(r.findings), ['V10@资产!1']);
    const f = r.findings[0]!;
    assert.equal(f.severity, 'error');
    assert.equal(f.ledger, 'asset');
    assert.match(f.message, /看起来是固定资产台账，但未能读取：缺少关键列“资产编号”；已识别的列：“资产名称”、“价值”、“取得日期”；最接近的未识别表头：“卡片号码”/);
    const en = checkWorkbook([g], { asOf: '2024-06', lang: 'en' }).findings[0]!.message;
    assert.match(en, /^looks like an? asset ledger but was not read: key column\(s\) "asset id" not found/);
    assert.ok(!/[\u4e00-\u9fff]/.test(en.replace(/"[^"]*"/g, '')), en);
  });

  it('a hinted sheet name and two fields', () => {
    const g = sheet('采购计划', [['项目', '预算金额', '采购方式'], ['电脑', 5000, '询价']]);
    assert.deepEqual(where(checkWorkbook([g], { asOf: '2024-06' }).findings), ['V10@采购计划!1']);
  });

  it('two fields and no hint: not a ledger (I02)', () => {
    const g = sheet('通讯录', [['姓名', '部门', '金额'], ['张三', '办公室', 5]]);
    assert.deepEqual(where(checkWorkbook([g], { asOf: '2024-06' }).findings), ['I02@通讯录']);
  });

  it('a sheet the user marked as no ledger stays I02', () => {
    const g = sheet('资产', [['卡片号码', '资产名称', '原值', '取得日期'], ['ZC-1', '电脑', 5000, '2024-03-05']]);
    assert.deepEqual(where(checkWorkbook([g], { asOf: '2024-06', kinds: { 资产: null } }).findings), ['I02@资产']);
  });

  it('a header with a line break is named on one line', () => {
    const g = sheet('资产', [['卡片\n号码', '资产名称', '原值', '取得日期'], ['ZC-1', '电脑', 5000, '2024-03-05']]);
    assert.match(checkWorkbook([g], { asOf: '2024-06' }).findings[0]!.message, /“卡片 号码”/);
  });
});

describe('ledgers kept the ways ledgers.md now allows', () => {
  const asOf = '2024-06';

  it('a contract ledger kept by amount alone: quantity 1 at that amount, no V00', () => {
    const g = sheet('合同台账', [['合同编号', '签订日期', '合同名称', '合同金额', '采购方式'], ['HT-1', '2024-01-15', '物业管理服务', 365000, '竞争性磋商']]);
    const r = checkWorkbook([g], { asOf });
    assert.deepEqual(where(r.findings), []);
    const v = r.ledgers.purchase!.rows[0]!.values;
    assert.deepEqual([v.quantity, v.unit_price, v.amount], [1, 36_500_000, 36_500_000]);
  });

  it('a row with an amount and empty quantity and price is read the same way; one without an amount is V01', () => {
    const g = sheet('合同台账', [['合同编号', '采购日期', '品目名称', '数量', '单价', '金额', '采购方式'], ['HT-1', '2024-01-15', '物业', null, null, 1000, '询价'], ['HT-2', '2024-01-16', '电脑', null, null, null, '询价']]);
    const r = checkWorkbook([g], { asOf });
    assert.deepEqual(where(r.findings), ['V01@合同台账!D3']);
    assert.deepEqual([r.ledgers.purchase!.rows[0]!.values.quantity, r.ledgers.purchase!.rows[0]!.values.unit_price], [1, 100_000]);
  });

  it('an asset card of several units: A01 counts units, value from quantity × unit price', () => {
    const purchases = sheet('合同台账', [['合同编号', '采购日期', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'], ['HT-1', '2024-03-01', 'A05010301', '办公椅', 10, 1200, 12000, '询价'], ['HT-2', '2024-03-01', 'A05010301', '办公椅', 4, 1200, 4800, '询价']]);
    const assets = sheet('固定资产台账', [['资产编号', '资产名称', '资产数量', '单价', '取得日期', '合同编号'], ['ZC-1', '办公椅', 6, 1200, '2024-03-05', 'HT-1'], ['ZC-2', '办公椅', 4, 1200, '2024-03-05', 'HT-1'], ['ZC-3', '办公椅', null, 1200, '2024-03-05', 'HT-2']]);
    const checked = checkWorkbook([purchases, assets], { asOf });
    assert.deepEqual(where(checked.findings), []);
    const v = checked.ledgers.asset!.rows.map((x) => [x.values.quantity, x.values.value]);
    assert.deepEqual(v, [[6, 720_000], [4, 480_000], [1, 120_000]]);
    const { reconcile } = require('../shared/reconcile') as typeof import('../shared/reconcile');
    const rec = reconcile(checked.ledgers, { asOf: checked.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' });
    // HT-1: 10 units on two cards — complete; HT-2: 4 bought, one card of one unit — A01.
    assert.deepEqual(rec.findings.filter((f) => f.code.startsWith('A')).map((f) => `${f.code} ${f.ids?.purchase_id} ${f.value}/${f.expected}`), ['A01 HT-2 1/4']);
  });

  it('a 资产分类 column of names is the category name: text, no V08; codes stay codes', () => {
    const names = sheet('固定资产台账', [['资产编号', '资产名称', '资产分类', '价值', '取得日期'], ['ZC-1', '办公椅', '家具用具', 1200, '2024-03-05'], ['ZC-2', '电脑', '通用设备', 5000, '2024-03-05']]);
    const r = checkWorkbook([names], { asOf });
    assert.deepEqual(where(r.findings), []);
    assert.equal(r.sheets[0]!.mapping.category_name, 'C');
    assert.equal(r.sheets[0]!.mapping.category_code, undefined);
    assert.equal(r.ledgers.asset!.rows[0]!.values.category_name, '家具用具');
    const codes = sheet('固定资产台账', [['资产编号', '资产名称', '资产分类', '价值', '取得日期'], ['ZC-1', '办公椅', 'A05010301', 1200, '2024-03-05'], ['ZC-2', '电脑', '通用设备', 5000, '2024-03-05']]);
    const c = checkWorkbook([codes], { asOf });
    assert.equal(c.sheets[0]!.mapping.category_code, 'C');
    assert.deepEqual(where(c.findings), ['V08@固定资产台账!C3'], 'a name among codes is still a bad code');
  });

  const oneEvent: [string, string, string][] = [['维修单', '报修时间', 'repair'], ['资产调拨表', '调拨日期', 'reallocate'], ['报废明细', '报废日期', 'disposal'], ['资产盘点', '日期', 'inventory'], ['验收入库单', '日期', 'intake']];
  for (const [name, dateHeader, event] of oneEvent) {
    it(`a sheet named ${name} without an event column records ${event} on every row`, () => {
      const g = sheet(name, [['资产编号', '资产名称', dateHeader, '维修费用'], ['ZC-1', '电脑', '2024-03-05', 300]]);
      const r = checkWorkbook([g], { asOf });
      assert.equal(r.sheets[0]!.kind, 'asset_event');
      assert.equal(r.sheets[0]!.event, event);
      assert.equal(r.ledgers.asset_event!.rows[0]!.values.event, event);
      assert.equal(r.ledgers.asset_event!.rows[0]!.values.cost, 30_000);
    });
  }

  it('the title says it too; with an event column the column decides', () => {
    const titled = sheet('Sheet1', [['固定资产维修登记表'], ['资产编号', '资产名称', '维修日期', '费用'], ['ZC-1', '电脑', '2024-03-05', 300]]);
    assert.equal(checkWorkbook([titled], { asOf }).sheets[0]!.event, 'repair');
    const withColumn = sheet('维修单', [['资产编号', '变动类型', '日期'], ['ZC-1', '调拨', '2024-03-05']]);
    const r = checkWorkbook([withColumn], { asOf });
    assert.equal(r.sheets[0]!.event, undefined);
    assert.equal(r.ledgers.asset_event!.rows[0]!.values.event, 'reallocate');
  });
});

describe('a date split over 年 / 月 / 日 columns', () => {
  const asOf = '2024-06';
  const contracts = (header: Cell[], row: Cell[], merges: string[] = [], group?: Cell[]) =>
    sheet('合同台账', [...(group ? [group] : []), header, row], merges);
  const H = ['合同编号', '品目名称', '数量', '单价', '采购方式'];

  it('年 | 月 | 日 are one date field', () => {
    const r = checkWorkbook([contracts([...H, '年', '月', '日'], ['HT-1', '电脑', 1, 5000, '询价', 2024, 3, 5])], { asOf });
    assert.deepEqual(where(r.findings), []);
    assert.equal(r.ledgers.purchase!.rows[0]!.values.date, '2024-03-05');
    assert.equal(r.sheets[0]!.mapping.date, 'F');
    assert.deepEqual(r.sheets[0]!.unmapped, []);
  });

  it('年度 | 月份 | 日期 too, the last as the day; texts like 3月 are read', () => {
    const r = checkWorkbook([contracts([...H, '年度', '月份', '日期'], ['HT-1', '电脑', 1, 5000, '询价', '2024年', '3月', '5日'])], { asOf });
    assert.equal(r.ledgers.purchase!.rows[0]!.values.date, '2024-03-05');
  });

  it('under a group that names the date field', () => {
    const r = checkWorkbook([contracts(['', '', '', '', '', '年', '月', '日'], ['HT-1', '电脑', 1, 5000, '询价', 2024, 3, 5], ['A1:A2', 'B1:B2', 'C1:C2', 'D1:D2', 'E1:E2', 'F1:H1'], [...H, '签订日期', null, null])], { asOf });
    assert.equal(r.sheets[0]!.header_rows, 2);
    assert.equal(r.ledgers.purchase!.rows[0]!.values.date, '2024-03-05');
  });

  it('an unreadable part is V03 on the 年 column; an impossible date too', () => {
    const r = checkWorkbook([contracts([...H, '年', '月', '日'], ['HT-1', '电脑', 1, 5000, '询价', 24, 3, 5])], { asOf });
    assert.deepEqual(where(r.findings), ['V03@合同台账!F2']);
    const s = checkWorkbook([contracts([...H, '年', '月', '日'], ['HT-1', '电脑', 1, 5000, '询价', 2024, 2, 30])], { asOf });
    assert.deepEqual(where(s.findings), ['V03@合同台账!F2']);
  });

  it('the service reads a pushed split date as the CLI does', () => {
    const g = contracts([...H, '年', '月', '日'], ['HT-1', '电脑', 1, 5000, '询价', 2024, 3, 5]);
    const local = checkWorkbook([g], { asOf });
    const [p] = preparePushes([g], local, { period: '2024-06', workbook: 'b.xlsx', hasher: nodeHasher });
    assert.deepEqual(p!.open.source.sheets[0]!.split_dates, { date: ['G', 'H'] });
    const parsed = readPushChunk(p!.open, p!.rows, p!.sourceRows, { ref: DEFAULT_REFERENCE, lang: 'zh' });
    assert.equal(parsed[0]!.rows[0]!.values.date, '2024-03-05');
  });
});

describe('notes in brackets and year lines', () => {
  it('a bracketed note is tried as part of the header only when the header alone matches nothing', () => {
    const g = sheet('预算', [['科目名称（经济分类）', '预算金额'], ['办公费', 100]]);
    assert.equal(checkWorkbook([g], { asOf: '2024-06' }).sheets[0]!.mapping.econ_class, 'A', '科目名称 itself matches');
    const h = sheet('预算', [['指标名称（二级科目名称）', '预算金额'], ['办公费', 100]]);
    assert.equal(checkWorkbook([h], { asOf: '2024-06' }).sheets[0]!.mapping.econ_class, 'A', 'through its note');
    const k = sheet('预算', [['指标名称（备注）', '预算金额'], ['办公费', 100]]);
    assert.deepEqual(checkWorkbook([k], { asOf: '2024-06' }).findings.map((f) => f.code), ['I02']);
  });

  it('预算年度：2024 above the header gives the year, as 2024年 in a title does', () => {
    const g = sheet('预算指标', [['预算年度：2023'], ['经济分类', '预算金额'], ['30201', 100]]);
    assert.equal(checkWorkbook([g], { asOf: '2024-06' }).ledgers.budget!.rows[0]!.values.year, 2023);
    const n = sheet('预算指标', [['编号：2023001'], ['经济分类', '预算金额'], ['30201', 100]]);
    assert.equal(checkWorkbook([n], { asOf: '2024-06' }).ledgers.budget!.rows[0]!.values.year, 2024, 'no year line: the as-of year');
  });
});
