import assert from 'node:assert/strict';
import { normaliseHeader, matchHeaderRow, detectSheet, titleYear } from '../shared/headers';
import { LEDGERS, LEDGER_KINDS } from '../shared/ledgers';
import { Cell } from '../shared/workbook';
import { grid } from './support/grid';
import { checkWorkbook } from '../shared/check';

describe('header normalisation', () => {
  const cases: [string, string, string | null, string?][] = [
    ['金额(万元)', '金额', '万元'],
    ['单价（元）', '单价', '元'],
    ['单价【元】', '单价', '元'],
    [' *计划 编号\n', '计划编号', null],
    ['Plan ID', 'planid', null],
    ['UNIT PRICE', 'unitprice', null],
    ['品目名称（规格）', '品目名称', null, '品目名称规格'],
    ['全年预算(元)', '全年预算', '元'],
  ];
  for (const [text, key, unit, whole] of cases) {
    it(`${JSON.stringify(text)} → ${key} ${unit ?? ''}`, () => assert.deepEqual(normaliseHeader(text), whole ? { key, unit, whole } : { key, unit }));
  }
});

describe('every synonym of every field maps to its field', () => {
  for (const kind of LEDGER_KINDS) {
    for (const field of LEDGERS[kind].fields) {
      for (const syn of field.synonyms) {
        it(`${kind}: ${syn} → ${field.name}`, () => {
          const m = matchHeaderRow(kind, [syn]);
          // A synonym listed for an earlier field of the same kind goes to that field (ledgers.md).
          const first = LEDGERS[kind].fields.find((f) => f.synonyms.some((s) => normaliseHeader(s).key === normaliseHeader(syn).key))!;
          assert.equal(m.fields.get(first.name)?.col, 0);
          assert.equal(m.fields.size, 1);
        });
      }
    }
  }
});

describe('column conflicts', () => {
  it('two columns for one field: the earlier synonym wins, the other stays unmapped', () => {
    const m = matchHeaderRow('purchase', ['组织形式', '合同编号', '采购方式', '品目名称']);
    assert.equal(m.fields.get('method')?.col, 2);
    assert.deepEqual(m.unmapped, ['组织形式']);
  });
  it('two columns with the same synonym: the leftmost wins', () => {
    const m = matchHeaderRow('plan', ['数量', '计划编号', '数量']);
    assert.equal(m.fields.get('quantity')?.col, 0);
    assert.deepEqual(m.unmapped, ['数量']);
  });
  it('keeps the header unit of a money column', () => {
    const m = matchHeaderRow('plan', ['计划编号', '品目名称', '单价(万元)']);
    assert.equal(m.fields.get('unit_price')?.unit, '万元');
  });
  it('lists unknown headers as unmapped', () => {
    const m = matchHeaderRow('plan', ['序号', '计划编号', '品目名称', '审核人']);
    assert.deepEqual(m.unmapped, ['序号', '审核人']);
  });
});

describe('header row and kind detection', () => {
  const planHeader: Cell[] = ['序号', '计划编号', '使用部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];
  it('finds a header below title rows', () => {
    const det = detectSheet(grid('采购计划', [['某某局2024年度政府采购计划表'], ['单位:元'], planHeader, [1, 'JH-1']]));
    assert.equal(det?.kind, 'plan');
    assert.equal(det?.headerIndex, 2);
  });
  it('looks only at the first 10 rows', () => {
    const rows: Cell[][] = Array.from({ length: 10 }, (_, i) => [`说明 ${i}`]);
    assert.equal(detectSheet(grid('plan', [...rows, planHeader])), null);
    assert.equal(detectSheet(grid('plan', [...rows.slice(1), planHeader]))?.headerIndex, 9);
  });
  it('takes the upper of two equally good header rows', () => {
    assert.equal(detectSheet(grid('x', [planHeader, planHeader]))?.headerIndex, 0);
  });
  it('needs the key fields of a kind', () => {
    assert.equal(detectSheet(grid('x', [['计划编号', '数量', '单价', '金额', '采购方式']])), null);
  });
  it('picks the kind whose header maps more fields', () => {
    // Also maps plan's key fields 计划编号 + 品目名称, but more purchase fields.
    const det = detectSheet(grid('台账', [['合同编号', '计划编号', '采购日期', '品目名称', '数量', '单价', '采购方式']]));
    assert.equal(det?.kind, 'purchase');
  });
  it('settles a tie by the sheet-name hint', () => {
    const header: Cell[] = ['资产编号', '名称', '变动类型'];
    // asset maps asset_id + asset_name (2), asset_event maps asset_id + event (2).
    assert.equal(detectSheet(grid('资产变动', [header]))?.kind, 'asset_event');
    assert.equal(detectSheet(grid('固定资产', [header]))?.kind, 'asset');
    assert.equal(detectSheet(grid('Sheet1', [header]))?.kind, 'asset'); // listed first in ledgers.md
    assert.equal(detectSheet(grid('2024 events', [header]))?.kind, 'asset_event');
  });
  it('matches English headers case-insensitively', () => {
    assert.equal(detectSheet(grid('Sheet1', [['Voucher', 'Date', 'Economic Class', 'AMOUNT']]))?.kind, 'expense');
  });
  it('reads the year of a title above the header', () => {
    const g = grid('p', [['单位：某局', '某某局2024年度政府采购计划表'], ['2023-12-01 编制'], planHeader]);
    assert.equal(titleYear(g, 2), 2024);
    assert.equal(titleYear(grid('p', [['1999年计划'], planHeader]), 1), null);
    assert.equal(titleYear(grid('p', [planHeader]), 0), null);
  });
});

describe('the user’s kind corrections (add-in dropdowns)', () => {
  const sheet = (name: string, rows: unknown[][]) => ({ name, rows: rows as never });
  const plan = sheet('计划', [['计划编号', '品目名称', '数量', '单价', '金额', '采购方式', '部门'], ['JH-1', '打印机', 1, 3000, 3000, '询价', '办公室']]);

  it('reads a sheet as the kind chosen, or not at all', () => {
    const auto = checkWorkbook([plan], { asOf: '2024-06' });
    assert.deepEqual(Object.keys(auto.ledgers), ['plan']);
    const none = checkWorkbook([plan], { asOf: '2024-06', kinds: { 计划: null } });
    assert.deepEqual(Object.keys(none.ledgers), []);
    assert.deepEqual(none.findings.map((f) => f.code), ['I02']);
    const asPurchase = checkWorkbook([plan], { asOf: '2024-06', kinds: { 计划: 'purchase' } });
    assert.deepEqual(Object.keys(asPurchase.ledgers), ['purchase']);
    assert.ok(asPurchase.findings.some((f) => f.code === 'V00'), 'a purchase ledger without its required columns says so');
  });
});

describe('the user’s column corrections (add-in dropdowns)', () => {
  const purchases = { name: '合同台账', rows: [['合同编号', '采购日期', '品名', '数量', '单价', '金额', '采购方式'], ['HT-1', '2024-03-01', '打印机', 2, 3000, 6000, '询价']] as never };

  it('maps a field the headers did not name, moves one, and unmaps one', () => {
    const auto = checkWorkbook([purchases], { asOf: '2024-06' });
    // 品名 is no synonym of item_name, a key field: not read, and said so (V10), naming 品名 as the nearest header.
    assert.deepEqual(auto.findings.map((f) => f.code), ['V10']);
    assert.match(auto.findings[0]!.message, /看起来是采购执行，但未能读取：缺少关键列“品目名称”.*最接近的未识别表头：“品名”/);
    const kinds = { 合同台账: 'purchase' as const };
    const asKind = checkWorkbook([purchases], { asOf: '2024-06', kinds });
    assert.equal(asKind.sheets[0]!.mapping.item_name, undefined);
    const fixed = checkWorkbook([purchases], { asOf: '2024-06', kinds, columns: { 合同台账: { item_name: 'C' } } });
    assert.equal(fixed.sheets[0]!.mapping.item_name, 'C');
    assert.equal(fixed.ledgers.purchase!.rows[0]!.values.item_name, '打印机');
    const moved = checkWorkbook([purchases], { asOf: '2024-06', kinds, columns: { 合同台账: { item_name: 'C', amount: 'E' } } });
    assert.equal(moved.sheets[0]!.mapping.amount, 'E');
    assert.equal(moved.sheets[0]!.mapping.unit_price, undefined, 'column E maps one field: unit_price lost it');
    assert.deepEqual(moved.findings.map((f) => [f.code, f.field]), [['V00', 'unit_price']], 'and the sheet now lacks a required column');
    const none = checkWorkbook([purchases], { asOf: '2024-06', kinds, columns: { 合同台账: { item_name: 'C', method: null } } });
    assert.equal(none.sheets[0]!.mapping.method, undefined);
    assert.deepEqual(none.findings.map((f) => [f.code, f.field]), [['V00', 'method']]);
  });
});

describe('the user’s header-row correction (add-in dropdown)', () => {
  it('reads the header from the row chosen, the data below it', () => {
    // A template header left above the real one: it names more fields, so detection alone takes it.
    const book = { name: '采购计划', rows: [['计划编号', '使用部门', '品目名称', '数量', '单价', '金额', '采购方式', '资金来源'], ['说明：下表为 2024 年计划'], ['计划编号', '使用部门', '品目名称', '数量', '单价', '金额', '采购方式'], ['JH-1', '办公室', '打印机', 1, 3000, 3000, '询价']] as never };
    const auto = checkWorkbook([book], { asOf: '2024-06' });
    assert.equal(auto.sheets[0]!.header_row, 1, 'the template row names more plan fields and wins by default');
    const fixed = checkWorkbook([book], { asOf: '2024-06', headerRows: { 采购计划: 3 } });
    assert.equal(fixed.sheets[0]!.header_row, 3);
    assert.deepEqual(fixed.ledgers.plan!.rows.map((r) => r.values.plan_id), ['JH-1']);
  });
});

describe('headers matched as layouts.md says: containment, 时间 for 日期, other figures, precedence', () => {
  // [kind, header row, field → expected header (or null: stays unmapped)]
  const cases: [string, LedgerKindName, string[], Record<string, string | null>][] = [
    ['a longer header holding a synonym of 4+ characters', 'plan', ['采购项目名称', '采购计划编号'], { item_name: '采购项目名称', plan_id: '采购计划编号' }],
    ['a contract date with its verb', 'purchase', ['合同签订日期', '合同编号'], { date: '合同签订日期', purchase_id: '合同编号' }],
    ['时间 read as 日期 for a date field', 'purchase', ['签订时间', '合同编号'], { date: '签订时间' }],
    ['时间 read as 日期, contained', 'asset', ['资产编号', '资产名称', '购置时间'], { acquired_date: '购置时间' }],
    ['时间 is no 日期 for a field that is no date', 'asset_event', ['资产编号', '变动类型', '维修时间'], { date: '维修时间' }],
    ['a bracketed unit after a contained synonym', 'asset', ['资产编号', '资产名称', '资产原值（元）'], { value: '资产原值（元）' }],
    ['a 2-character synonym never matches by containment', 'expense', ['凭证号', '项目金额', '备用金额'], { amount: null }],
    ['a 3-character synonym never matches by containment', 'purchase', ['合同编号', '供应商电话'], { supplier: null }],
    ['累计折旧金额 is another figure, not the value', 'asset', ['资产编号', '资产名称', '累计折旧金额'], { value: null }],
    ['已付合同金额 is not the contract amount', 'purchase', ['合同编号', '品目名称', '已付合同金额'], { amount: null }],
    ['指标余额 is not the budget amount', 'budget', ['经济分类', '指标余额'], { amount: null }],
    ['不含税成交金额 is not the amount', 'purchase', ['合同编号', '不含税成交金额'], { amount: null }],
    ['equality beats containment for one field, wherever the columns stand', 'purchase', ['合同签订日期', '日期', '合同编号'], { date: '日期' }],
    ['among contained headers the earlier synonym wins, then the leftmost', 'purchase', ['成交日期备注', '合同签订日期'], { date: '合同签订日期' }],
    ['plain equality still works', 'budget', ['预算年度', '经济分类', '预算金额'], { year: '预算年度', econ_class: '经济分类', amount: '预算金额' }],
  ];
  for (const [what, kind, row, expected] of cases) {
    it(`${what}: ${row.join(' | ')}`, () => {
      const m = matchHeaderRow(kind, row);
      for (const [field, header] of Object.entries(expected)) assert.equal(m.fields.get(field)?.header ?? null, header, field);
    });
  }

  it('a real form\'s contract header reads as a purchase ledger', () => {
    const g = grid('合同台账', [['序号', '合同编码', '采购项目名称', '签订时间', '合同相对人', '数量', '成交单价（元）', '成交金额（元）', '采购方式'], [1, 'HT-1', '办公桌', '2024-03-05', '某公司', 2, '600.00', '1,200.00', '询价']]);
    const r = checkWorkbook([g], { asOf: '2024-06' });
    assert.equal(r.sheets[0]!.kind, 'purchase');
    assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
    const row = r.ledgers.purchase!.rows[0]!.values;
    assert.deepEqual([row.purchase_id, row.item_name, row.date, row.supplier], ['HT-1', '办公桌', '2024-03-05', '某公司']);
  });
});

type LedgerKindName = (typeof LEDGER_KINDS)[number];
