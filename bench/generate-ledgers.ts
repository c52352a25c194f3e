/** Large, realistic purchase and asset ledgers for the benchmarks, written with exceljs's streaming writer. */
import ExcelJS from 'exceljs';

const DEPARTMENTS = ['办公室', '财务科', '业务一科', '业务二科', '信息中心', '后勤服务中心'];
const ITEMS: [string, string, number][] = [
  ['A02010105', '台式计算机', 5200], ['A02010108', '便携式计算机', 6800], ['A02021004', 'A4彩色打印机', 2460],
  ['A02020200', '投影仪', 4800], ['A05010201', '办公桌', 1800], ['A05010301', '办公椅', 650], ['A02021104', '液晶显示器', 1070],
];
const METHODS = ['协议采购', '电子卖场', '询价', '自行采购', '竞争性磋商', '定点采购'];
const STATUSES = ['在用', '在用', '在用', '维修', '闲置', '报废'];

function dateOf(i: number): Date {
  return new Date(Date.UTC(2024, 0, 1) + (i % 180) * 86_400_000);
}

/** The same date written the ways clerks write it. */
function dateCell(i: number): Date | string {
  const d = dateOf(i);
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, day = d.getUTCDate();
  switch (i % 4) {
    case 0: return d;
    case 1: return `${y}年${m}月${day}日`;
    case 2: return `${y}.${m}.${day}`;
    default: return `${y}/${String(m).padStart(2, '0')}/${String(day).padStart(2, '0')}`;
  }
}

export async function writePurchaseLedger(file: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('合同台账');
  ws.addRow(['合同编号', '计划编号', '采购日期', '部门', '品目编码', '品目名称', '规格型号', '供应商', '数量', '单价', '金额', '采购方式', '变更批复', '发票号']).commit();
  for (let i = 0; i < rows; i++) {
    const [code, name, price] = ITEMS[i % ITEMS.length]!;
    const qty = 1 + (i % 9);
    const row = ws.addRow([
      `HT-2024-${String(i + 1).padStart(6, '0')}`,
      `JH-2024-${String((i % 20000) + 1).padStart(5, '0')}`,
      dateCell(i),
      DEPARTMENTS[i % DEPARTMENTS.length],
      code,
      name,
      `型号-${i % 37}`,
      `供应商${i % 211}有限公司`,
      i % 3 === 0 ? `${qty}台` : qty,
      i % 2 === 0 ? `¥${price.toLocaleString('en-US')}.00` : price,
      // A few rows with the amount wrong (V06) and a few unreadable (V02), as in real ledgers.
      i % 997 === 0 ? price * qty + 100 : i % 1999 === 0 ? '约' + price * qty : price * qty,
      METHODS[i % METHODS.length],
      null,
      String(2444000000 + i),
    ]);
    row.commit();
  }
  ws.commit();
  await wb.commit();
}

export async function writeAssetRegister(file: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('固定资产台账');
  ws.addRow(['某某局固定资产台账（截至2024年6月）']).commit();
  ws.addRow(['资产编号', '资产名称', '资产分类代码', '品目编码', '规格型号', '价值', '取得日期', '合同编号', '使用部门', '使用人', '存放地点', '使用状况']).commit();
  for (let i = 0; i < rows; i++) {
    const [code, name, price] = ITEMS[i % ITEMS.length]!;
    ws.addRow([
      `ZC2024-${String(i + 1).padStart(7, '0')}`,
      name,
      code,
      code,
      `型号-${i % 37}`,
      i % 2 === 0 ? price : `${price.toLocaleString('en-US')}.00`,
      dateCell(i + 3),
      i % 5 === 0 ? null : `HT-2024-${String((i % 100000) + 1).padStart(6, '0')}`,
      DEPARTMENTS[i % DEPARTMENTS.length],
      `职工${i % 400}`,
      `${(i % 12) + 1}楼`,
      STATUSES[i % STATUSES.length],
    ]).commit();
  }
  ws.commit();
  await wb.commit();
}
