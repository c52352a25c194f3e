import assert from 'node:assert/strict';
import { Cell } from '../shared/workbook';
import { check, grid, purchaseRow, PURCHASE_HEADER, D, ERR, where } from './support/grid';
import { fenToYuanString } from '../shared/money';

const purchases = (...rows: Cell[][]) => grid('合同台账', [PURCHASE_HEADER, ...rows]);
const codes = (rows: Cell[][], asOf = '2024-06') => where(check([purchases(...rows)], { asOf }).findings);

describe('row validation: each V and I code, with its row and column', () => {
  it('a clean row gives no finding', () => {
    assert.deepEqual(codes([purchaseRow()]), []);
  });

  it('V00: a required column is missing (header row, field only); rows are then not read', () => {
    const r = check([grid('合同', [['合同编号', '采购日期', '品目名称', '数量', '单价'], ['HT-1', 'bad date', 'x', -1, 'y']])]);
    assert.deepEqual(r.findings.map((f) => [f.code, f.row, f.field, f.column]), [['V00', 1, 'method', undefined]]);
    assert.equal(r.sheets[0]!.data_rows, 0);
    assert.deepEqual(r.sheets[0]!.missing, ['method']);
  });

  it('V00: one finding per missing required field', () => {
    const r = check([grid('计划', [['标题'], ['计划编号', '品目名称']])]);
    assert.deepEqual(r.findings.map((f) => `${f.code}:${f.row}:${f.field}`), ['V00:2:quantity', 'V00:2:unit_price', 'V00:2:method']);
  });

  it('V01: a required cell is empty (placeholders count as empty); once per row', () => {
    assert.deepEqual(codes([purchaseRow(), purchaseRow({ id: 'HT-2', name: '-', method: null })]), ['V01@合同台账!F3']);
    const f = check([purchases(purchaseRow({ name: '无', method: '' }))]).findings[0]!;
    assert.equal(f.field, 'item_name');
    assert.match(f.message, /品目名称/);
    assert.match(f.message, /采购方式/); // the other empty field is named in the message
  });

  it('V02: money or qty that is no number', () => {
    assert.deepEqual(codes([purchaseRow({ price: '约5000' })]), ['V02@合同台账!H2']);
    assert.deepEqual(codes([purchaseRow({ qty: '若干' })]), ['V02@合同台账!G2']);
    assert.deepEqual(codes([purchaseRow({ amount: ERR('#VALUE!') })]), ['V02@合同台账!I2']);
    const f = check([purchases(purchaseRow({ price: '5000-6000' }))]).findings[0]!;
    assert.equal(f.value, '5000-6000');
    assert.equal(f.severity, 'error');
  });

  it('V02: an unreadable year', () => {
    const r = check([grid('预算', [['预算年度', '经济分类', '金额'], ['明年', '30201', 100]])]);
    assert.deepEqual(where(r.findings), ['V02@预算!A2']);
  });

  it('V03: impossible or ambiguous dates', () => {
    assert.deepEqual(codes([purchaseRow({ date: '2024-02-30' })]), ['V03@合同台账!C2']);
    assert.deepEqual(codes([purchaseRow({ date: '05/03/2024' })]), ['V03@合同台账!C2']);
    assert.deepEqual(codes([purchaseRow({ date: ERR('#N/A') })]), ['V03@合同台账!C2']);
  });

  it('V04: unknown enumeration values', () => {
    assert.deepEqual(codes([purchaseRow({ method: '比选' })]), ['V04@合同台账!J2']);
    const r = check([grid('支出', [['凭证号', '日期', '经济分类', '金额'], ['PZ1', D(2024, 1, 2), '99999', 10]])]);
    assert.deepEqual(where(r.findings), ['V04@支出!C2']);
    const a = check([grid('资产', [['资产编号', '资产名称', '价值', '取得日期', '使用状况'], ['ZC1', '桌', 100, D(2024, 1, 2), '丢了']])]);
    assert.deepEqual(where(a.findings), ['V04@资产!E2']);
  });

  it('V05: a repeated id, the first stays valid; ids compared whatever the earlier row validity', () => {
    const r = check([purchases(purchaseRow({ id: 'HT-9', qty: 'x' }), purchaseRow({ id: 'HT-1' }), purchaseRow({ id: 'HT-9' }), purchaseRow({ id: 'HT-9' }))]);
    assert.deepEqual(where(r.findings), ['V02@合同台账!G2', 'V05@合同台账!A4', 'V05@合同台账!A5']);
    const f = r.findings[1]!;
    assert.deepEqual(f.ids, { purchase_id: 'HT-9', plan_id: 'JH-1' });
    assert.match(f.message, /第 2 行/);
    assert.equal(r.ledgers.purchase!.rows[2]!.valid, false);
  });

  it('V05: across several sheets of one ledger, in sheet order', () => {
    const r = check([grid('办公室', [PURCHASE_HEADER, purchaseRow({ id: 'HT-1' })]), grid('业务科', [PURCHASE_HEADER, purchaseRow({ id: 'HT-1' })])]);
    assert.deepEqual(where(r.findings), ['V05@业务科!A2']);
  });

  it('V06: amount ≠ quantity × unit price by more than 0.01 yuan (warning; row stays valid)', () => {
    assert.deepEqual(codes([purchaseRow({ qty: 20, price: 130, amount: 2800 })]), ['V06@合同台账!I2']);
    assert.deepEqual(codes([purchaseRow({ qty: 3, price: 33.33, amount: 100 })]), []); // 0.01 exactly is allowed
    assert.deepEqual(codes([purchaseRow({ qty: 3, price: 33.33, amount: 100.01 })]), ['V06@合同台账!I2']);
    assert.deepEqual(codes([purchaseRow({ qty: 1.5, price: 0.33, amount: 0.49 })]), []); // 0.495
    const r = check([purchases(purchaseRow({ qty: 20, price: 130, amount: 2800 }))]);
    assert.equal(r.findings[0]!.severity, 'warning');
    assert.equal(r.findings[0]!.value, '2800.00');
    assert.equal(r.ledgers.purchase!.rows[0]!.valid, true);
  });

  it('amount defaults to quantity × unit price when empty', () => {
    const r = check([purchases(purchaseRow({ qty: 3, price: 1234.56, amount: null }))]);
    assert.deepEqual(r.findings, []);
    assert.equal(fenToYuanString(r.ledgers.purchase!.rows[0]!.values.amount as number), '3703.68');
  });

  it('V07: qty ≤ 0 and negative money outside expense amounts', () => {
    assert.deepEqual(codes([purchaseRow({ qty: 0, amount: 0 })]), ['V07@合同台账!G2']);
    assert.deepEqual(codes([purchaseRow({ qty: '-2台', amount: -10000 })]), ['V07@合同台账!G2']);
    assert.deepEqual(codes([purchaseRow({ price: -5000, amount: -10000 })]), ['V07@合同台账!H2']);
    const ev = check([grid('资产变动', [['资产编号', '日期', '变动类型', '费用'], ['ZC1', D(2024, 2, 1), '维修', -300]])]);
    assert.deepEqual(where(ev.findings), ['V07@资产变动!D2']);
    const ex = check([grid('支出', [['凭证号', '日期', '经济分类', '金额'], ['PZ1', D(2024, 1, 2), '30201', '(1,200.00)']])]);
    assert.deepEqual(ex.findings, []); // a refund (红字冲销) is allowed
    assert.equal(ex.ledgers.expense!.rows[0]!.values.amount, -120000);
  });

  it('V08: item and category codes not of the catalogue form (warning)', () => {
    for (const code of ['A02010104', 'A020201', 'A0201060101', 'C21040000', 'B01']) {
      assert.deepEqual(codes([purchaseRow({ code })]), [], code);
    }
    for (const code of ['D02010104', 'A0201010', 'a02010104', 'A', 'A020101040102', '品目']) {
      assert.deepEqual(codes([purchaseRow({ code })]), ['V08@合同台账!E2'], code);
    }
    const a = (cat: Cell) => where(check([grid('资产', [['资产编号', '资产名称', '资产分类代码', '价值', '取得日期'], ['ZC1', '桌', cat, 100, D(2024, 1, 2)]])]).findings);
    assert.deepEqual(a('2010104'), []);
    assert.deepEqual(a(2010104), []);
    assert.deepEqual(a('A05010201'), []);
    assert.deepEqual(a('201010'), ['V08@资产!C2']);
  });

  it('V09: dates before 2000 or more than 31 days after the as-of date (warning)', () => {
    assert.deepEqual(codes([purchaseRow({ date: '1999-12-31' })]), ['V09@合同台账!C2']);
    assert.deepEqual(codes([purchaseRow({ date: '2000-01-01' })]), []);
    assert.deepEqual(codes([purchaseRow({ date: '2024-07-31' })], '2024-06'), []); // exactly 31 days after
    assert.deepEqual(codes([purchaseRow({ date: '2024-08-01' })], '2024-06'), ['V09@合同台账!C2']);
  });

  it('I01: subtotal and total rows are skipped', () => {
    const r = check([purchases(purchaseRow(), ['合计', null, null, null, null, null, 2, null, 10000], [null, '小计：', 1], ['本页小计'], ['', '', '总计'], ['Total'], ['TOTAL amount'])]);
    assert.deepEqual(where(r.findings), ['I01@合同台账!3', 'I01@合同台账!4', 'I01@合同台账!5', 'I01@合同台账!6', 'I01@合同台账!7', 'I01@合同台账!8']);
    assert.equal(r.ledgers.purchase!.rows.length, 1);
  });

  it('empty rows are skipped silently', () => {
    const r = check([purchases(purchaseRow(), [], [null, '  ', '-'], purchaseRow({ id: 'HT-2' }))]);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.ledgers.purchase!.rows.map((x) => x.row), [2, 5]);
  });

  it('I02: a sheet that is no ledger', () => {
    const r = check([grid('说明', [['本工作簿仅用于测试']]), grid('空表', [])]);
    assert.deepEqual(where(r.findings), ['I02@说明', 'I02@空表']);
    assert.equal(r.findings[0]!.ledger, undefined);
  });

  it('each rule fires at most once per row and code', () => {
    const r = check([purchases(purchaseRow({ qty: 'x', price: 'y', amount: 'z' }))]);
    assert.deepEqual(where(r.findings), ['V02@合同台账!G2']);
    assert.match(r.findings[0]!.message, /单价/);
  });
});

describe('findings carry ids, value, expected and messages in both languages', () => {
  it('ids: own id plus the referenced ids on the row', () => {
    const r = check([purchases(purchaseRow({ date: 'x' }))]);
    assert.deepEqual(r.findings[0]!.ids, { purchase_id: 'HT-1', plan_id: 'JH-1' });
    const e = check([grid('支出', [['凭证号', '日期', '经济分类', '金额', '合同编号'], ['PZ1', 'bad', '30201', 1, 'HT-7']])]);
    assert.deepEqual(e.findings[0]!.ids, { voucher_no: 'PZ1', purchase_id: 'HT-7' });
    const b = check([grid('预算', [['经济分类', '金额'], ['x', 1]])]);
    assert.equal(b.findings[0]!.ids, undefined);
  });
  it('messages are Chinese by default and English with lang en, naming the clerk\'s column', () => {
    const g = purchases(purchaseRow({ date: '2024-02-30' }));
    assert.match(check([g]).findings[0]!.message, /“采购日期”无法识别为日期.*2024-02-30/);
    assert.match(check([g], { asOf: '2024-06', lang: 'en' }).findings[0]!.message, /"date \(采购日期\)" cannot be read as a date.*2024-02-30/);
  });
  it('summary counts by severity', () => {
    const r = check([purchases(purchaseRow({ date: 'x' }), purchaseRow({ id: 'HT-2', amount: 1 })), grid('说明', [['x']])]);
    assert.deepEqual(r.summary, { error: 1, warning: 1, info: 1 });
  });
});

describe('years and the as-of date', () => {
  const planHeader: Cell[] = ['计划编号', '品目名称', '数量', '单价', '采购方式'];
  const plan = (title: Cell[][], rows: Cell[][]) => grid('采购计划', [...title, planHeader, ...rows]);
  const planRow: Cell[] = ['JH-1', '打印机', 1, 2000, '协议采购'];
  it('plan year from the title row, else --year, else the as-of year', () => {
    assert.equal(check([plan([['某某局2023年度政府采购计划表']], [planRow])]).ledgers.plan!.rows[0]!.values.year, 2023);
    assert.equal(check([plan([], [planRow])], { asOf: '2024-06', year: 2025 }).ledgers.plan!.rows[0]!.values.year, 2025);
    assert.equal(check([plan([], [planRow])], { asOf: '2024-06' }).ledgers.plan!.rows[0]!.values.year, 2024);
  });
  it('as-of defaults to the end of the latest month of any dated row', () => {
    const r = check([purchases(purchaseRow({ date: D(2024, 3, 5) }), purchaseRow({ id: 'HT-2', date: '2024年5月2日' }))], {});
    assert.equal(r.as_of, '2024-05-31');
  });
  it('as-of without dated rows is the current month', () => {
    assert.equal(check([plan([], [planRow])], { today: new Date(2026, 1, 3) }).as_of, '2026-02-28');
  });
  it('refuses a malformed --as-of or --year', () => {
    assert.throws(() => check([], { asOf: '2024-13' }), /--as-of/);
    assert.throws(() => check([], { asOf: '202406' }), /--as-of/);
    assert.throws(() => check([], { year: 1999 }), /--year/);
  });
});
