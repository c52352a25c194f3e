/**
 * Real-looking workbooks whose nominal extent is huge while their values are few: what made the
 * old reader hang or run out of memory. Used by the reader's bounds test and by bench:check.
 */
import { Cell } from '../../shared/workbook';
import { rawXlsx } from './raw-xlsx';

const HEADERS = ['合同编号', '采购日期', '部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式'];

function ledgerRows(n: number): Cell[][] {
  const rows: Cell[][] = [HEADERS];
  for (let i = 1; i <= n; i++) rows.push([`HT-${i}`, '2024-03-05', '办公室', 'A02010105', '台式计算机', 1, 5000, 5000, '协议采购']);
  return rows;
}

/** A 20-row ledger with one dropdown over the whole sheet (A1:XFD1048576): 8 KB on disk. */
export function sheetWideValidation(): Uint8Array {
  return rawXlsx([{
    name: '合同台账',
    rows: ledgerRows(20),
    before: '<dimension ref="A1:XFD1048576"/>',
    after: '<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="A1:XFD1048576"><formula1>"是,否"</formula1></dataValidation></dataValidations>',
  }]);
}

/** Whole-column styles and widths, five whole-column dropdowns and sheet-wide conditional formats. */
export function wholeColumnStyles(): Uint8Array {
  const dv = ['A:A', 'B:B', 'C:C', 'I:I', 'J:XFD'].map((r) => `<dataValidation type="list" sqref="${r}"><formula1>"甲,乙"</formula1></dataValidation>`).join('');
  return rawXlsx([{
    name: '合同台账',
    rows: ledgerRows(20),
    before: '<dimension ref="A1:XFD1048576"/><cols><col min="1" max="16384" width="14" style="1" customWidth="1"/></cols>',
    after: `<conditionalFormatting sqref="A1:XFD1048576"><cfRule type="expression" priority="1"><formula>MOD(ROW(),2)=0</formula></cfRule></conditionalFormatting><dataValidations count="5">${dv}</dataValidations>`,
  }]);
}

/** A 20-row ledger under 100,000 merged ranges (two cells each, down to row 200,000), one over the whole sheet's tail. */
export function manyMerges(count = 100_000): Uint8Array {
  const merges: string[] = [];
  for (let i = 0; i < count; i++) merges.push(`<mergeCell ref="K${2 * i + 1}:L${2 * i + 2}"/>`);
  merges.push('<mergeCell ref="M1:XFD1048576"/>');
  const rows = ledgerRows(20);
  rows[0]![12] = '备注';
  return rawXlsx([{ name: '合同台账', rows, after: `<mergeCells count="${merges.length}">${merges.join('')}</mergeCells>` }]);
}

/** A ledger that fills every row of a sheet: 1,048,576 rows (the header and 1,048,575 contracts). */
export function millionRows(rows = 1_048_576): Uint8Array {
  return rawXlsx([{
    name: '合同台账',
    rows: [],
    rawRows: () => {
      const parts: string[] = ['<row r="1">' + HEADERS.map((h, j) => `<c r="${String.fromCharCode(65 + j)}1" t="inlineStr"><is><t>${h}</t></is></c>`).join('') + '</row>'];
      for (let r = 2; r <= rows; r++) {
        parts.push(`<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>HT-${r}</t></is></c><c r="B${r}" s="1"><v>${45300 + (r % 180)}</v></c><c r="E${r}" t="inlineStr"><is><t>台式计算机</t></is></c><c r="F${r}"><v>1</v></c><c r="G${r}"><v>5000</v></c><c r="I${r}" t="inlineStr"><is><t>协议采购</t></is></c></row>`);
      }
      return parts.join('');
    },
  }]);
}
