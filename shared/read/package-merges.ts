/**
 * The merged ranges of an .xlsx/.xlsm's sheets, by sheet name, and nothing else: the task pane
 * reads them from the open workbook's own file where Excel cannot say where merges are (before
 * ExcelApi 1.13, so Excel 2016 and 2019), so that Excel and the CLI read one workbook the same.
 */
import { inflateSync } from 'fflate';
import { CellRange } from '../workbook';
import { Inflate, ZipArchive } from './zip';
import { OoxmlBook } from './ooxml-reader';

const fflateInflate: Inflate = (data, size) => inflateSync(data, { out: new Uint8Array(size) });

export function mergesOfPackage(bytes: Uint8Array, inflate: Inflate = fflateInflate): Map<string, CellRange[]> {
  const book = new OoxmlBook(new ZipArchive(bytes, inflate));
  const out = new Map<string, CellRange[]>();
  for (const entry of book.sheets) out.set(entry.name, book.mergesOf(entry));
  return out;
}
