/**
 * Why a file cannot be read, as a code; the words are in the catalogue below, one per language,
 * rendered by whichever shell shows them (CLI, workbench), with the file's name.
 */
import type { Lang } from '../findings';
import type { SheetGrid } from '../workbook';

export type ReadErrorCode =
  | 'notFound'
  | 'isFolder'
  | 'noAccess'
  | 'empty'
  | 'noData'
  | 'password'
  | 'damaged'
  | 'notSpreadsheet'
  | 'unknownExtension'
  | 'unknownEncoding'
  | 'tooLarge';

export interface ReadErrorArgs {
  /** notSpreadsheet: what the file is instead (`pdf`, `docx`, `zip`, `image`), when known. */
  what?: string;
  /** unknownExtension: the extension as written. */
  ext?: string;
  /** tooLarge: the limit passed, in the words of the catalogue (`cells`, `part`). */
  limit?: 'cells' | 'part' | 'text';
}

export class ReadError extends Error {
  constructor(
    readonly code: ReadErrorCode,
    readonly args: ReadErrorArgs = {},
  ) {
    super(code);
  }
}

const READABLE = '.xlsx、.xlsm、.xls、.et、.ods、.csv';
const READABLE_EN = '.xlsx, .xlsm, .xls, .et, .ods, .csv';

const WHAT_ZH: Record<string, string> = { pdf: 'PDF 文档', docx: 'Word 文档', doc: 'Word 文档', pptx: 'PowerPoint 演示文稿', zip: '压缩包', image: '图片', numbers: 'Numbers 表格', text: '文本文件', binary: '未知格式' };
const WHAT_EN: Record<string, string> = { pdf: 'a PDF document', docx: 'a Word document', doc: 'a Word document', pptx: 'a PowerPoint file', zip: 'a ZIP archive', image: 'an image', numbers: 'a Numbers file', text: 'a text file', binary: 'of an unknown format' };
const LIMIT_ZH = { cells: '非空单元格超过 2000 万个', part: '单个工作表解压后超过 1.6 GB', text: '文本超过 500 MB' };
const LIMIT_EN = { cells: 'more than 20 million non-empty cells', part: 'a sheet of more than 1.6 GB uncompressed', text: 'more than 500 MB of text' };

type Render = (file: string, a: ReadErrorArgs) => string;

const ZH: Record<ReadErrorCode, Render> = {
  notFound: (f) => `找不到文件：${f}`,
  isFolder: (f) => `${f} 是文件夹，不是文件：请指定其中的工作簿文件`,
  noAccess: (f) => `无权读取 ${f}：请检查文件权限，或先关闭正在独占打开它的程序`,
  empty: (f) => `${f} 是空文件（0 字节）：请确认文件已完整保存或下载`,
  noData: (f) => `${f} 的工作表中没有任何内容：请确认选对了文件，或在台账表中录入数据后再检查`,
  password: (f) => `${f} 设有打开密码，无法读取：请先在 Excel 中取消密码后再检查（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空后保存）`,
  damaged: (f) => `${f} 已损坏，无法读取：请在 Excel 或 WPS 中打开并另存为 .xlsx 后再试；若仍打不开，请从原系统重新导出或使用备份`,
  notSpreadsheet: (f, a) => `${f} 不是表格文件${a.what ? `（是${WHAT_ZH[a.what] ?? WHAT_ZH.binary}）` : ''}：请选择 ${READABLE} 文件`,
  unknownExtension: (f, a) => `${f} 的扩展名“${a.ext ?? ''}”不是可读的表格格式：可读 ${READABLE}`,
  unknownEncoding: (f) => `${f} 的文字编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）：请在 Excel 或 WPS 中另存为“CSV UTF-8”后再试`,
  tooLarge: (f, a) => `${f} 过大，无法读取（${LIMIT_ZH[a.limit ?? 'cells']}）：请按年度或部门拆分后再检查`,
};

const EN: Record<ReadErrorCode, Render> = {
  notFound: (f) => `file not found: ${f}`,
  isFolder: (f) => `${f} is a folder, not a file: name a workbook inside it`,
  noAccess: (f) => `no permission to read ${f}: check the file's permissions, or close the program that holds it open`,
  empty: (f) => `${f} is empty (0 bytes): make sure it was saved or downloaded completely`,
  noData: (f) => `${f} has no sheet holding anything: make sure it is the right file, or enter the ledgers before checking it`,
  password: (f) => `${f} is password-protected: open it in Excel, remove the password (File → Info → Protect Workbook → Encrypt with Password, clear it) and save it again`,
  damaged: (f) => `${f} is damaged and cannot be read: open it in Excel or WPS and save it as .xlsx, or export it again from its system or take a backup`,
  notSpreadsheet: (f, a) => `${f} is not a spreadsheet${a.what ? ` (it is ${WHAT_EN[a.what] ?? WHAT_EN.binary})` : ''}: choose a ${READABLE_EN} file`,
  unknownExtension: (f, a) => `${f}: the extension "${a.ext ?? ''}" is not a spreadsheet format read here: ${READABLE_EN} are`,
  unknownEncoding: (f) => `${f}: its text encoding is neither UTF-8 nor GBK/GB18030: save it from Excel or WPS as "CSV UTF-8" and try again`,
  tooLarge: (f, a) => `${f} is too large to read (${LIMIT_EN[a.limit ?? 'cells']}): split it by year or department and check each part`,
};

export const READ_MESSAGES: Record<Lang, Record<ReadErrorCode, Render>> = { zh: ZH, en: EN };

/** The one line a user sees for a file that cannot be read. */
export function readErrorMessage(e: ReadError, file: string, lang: Lang): string {
  return READ_MESSAGES[lang][e.code](file, e.args);
}

/**
 * A workbook whose sheets hold nothing (not one cell with a value) is refused, not reported clean:
 * there is nothing to check, and "no findings" would read as "all is well".
 */
export function refuseEmptyWorkbook(grids: readonly SheetGrid[]): void {
  for (const g of grids) {
    for (const row of g.rows) {
      if (!row) continue;
      for (const c of row) if (c !== null && c !== undefined && !(typeof c === 'string' && c.trim() === '')) return;
    }
  }
  throw new ReadError('noData');
}
