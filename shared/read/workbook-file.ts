/**
 * One reader for every file a clerk has: `openWorkbook(bytes, fileName)` tells the format from the
 * bytes (the extension only has to be one of a spreadsheet), and gives the workbook interface of
 * shared/workbook.ts. No `fs`, no Node API: the CLI, the service's tests and the browser workbench
 * all call it with the file's bytes.
 */
import { SheetGrid, WorkbookSource } from '../workbook';
import { ReadError } from './read-error';
import { Inflate, ZipArchive, isZip } from './zip';
import { OoxmlBook } from './ooxml-reader';
import type { SheetJsBook } from './sheetjs-reader';
import { TextEncoding, decodeText, looksLikeText } from './text-decoding';
import { parseDelimited } from './csv-reader';
import { DefinedName, SheetEntry, ledgerSheetNames } from './book-parts';
import { inflateSync } from 'fflate';

export type { DefinedName, SheetEntry } from './book-parts';
export { ledgerSheetNames } from './book-parts';

export type FileFormat = 'xlsx' | 'xlsm' | 'xls' | 'et' | 'ods' | 'csv' | 'html' | 'xml2003';

export interface WorkbookFile extends WorkbookSource {
  readonly fileName: string;
  readonly format: FileFormat;
  /** The file as read, for writers that keep every part of it. */
  readonly bytes: Uint8Array;
  /** For text files: how the text was decoded. */
  readonly encoding?: TextEncoding;
  /** Every sheet, hidden ones and ledger-sync's own analysis sheets included. */
  readonly sheets: readonly SheetEntry[];
  readonly definedNames: readonly DefinedName[];
  /** The task pane's settings stored in the workbook (`ledger-sync.kinds` …), JSON text by name: .xlsx only. */
  readonly settings: Readonly<Record<string, string>>;
}

export interface OpenOptions {
  /** Raw DEFLATE: Node's zlib in Node; fflate's by default. */
  inflate?: Inflate;
}

const EXTENSIONS: Record<string, FileFormat> = {
  xlsx: 'xlsx', xlsm: 'xlsm', xltx: 'xlsx', xltm: 'xlsm', xls: 'xls', xlt: 'xls', et: 'et', ett: 'et', ods: 'ods', ots: 'ods', csv: 'csv', tsv: 'csv', txt: 'csv',
  // Web systems' exports under their own names.
  xml: 'xml2003', htm: 'html', html: 'html',
};

const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Opens a workbook from its bytes, or throws a ReadError saying why it cannot be read. */
export async function openWorkbook(bytes: Uint8Array, fileName: string, opts: OpenOptions = {}): Promise<WorkbookFile> {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const byName = EXTENSIONS[ext];
  if (byName === undefined) throw new ReadError('unknownExtension', { ext: ext === '' ? fileName : '.' + ext });
  if (bytes.length === 0) throw new ReadError('empty');
  if (isZip(bytes)) return openZip(bytes, fileName, opts);
  if (OLE.every((b, i) => bytes[i] === b)) return openOle(bytes, fileName, byName === 'et' ? 'et' : 'xls');
  if (isBiffStream(bytes)) return fromBook(await sheetJs(bytes), { fileName, format: 'xls', bytes });
  if (!looksLikeText(bytes)) throw new ReadError('notSpreadsheet', { what: binaryKind(bytes) });
  const { text, encoding } = decodeText(bytes);
  const head = text.slice(0, 4096).trimStart().toLowerCase();
  if (head.startsWith('<')) {
    // Web systems' "Excel" exports: an HTML table, or SpreadsheetML 2003 XML, saved as .xls.
    const format: FileFormat = head.includes('urn:schemas-microsoft-com:office:spreadsheet') && !head.includes('<html') ? 'xml2003' : 'html';
    if (format === 'html' && !/<table[\s>]/i.test(text)) throw new ReadError('notSpreadsheet', { what: 'text' });
    return fromBook(await sheetJs(text), { fileName, format, bytes, encoding });
  }
  if (byName !== 'csv' && byName !== 'xls' && byName !== 'et') throw new ReadError('notSpreadsheet', { what: 'text' });
  // A CSV is one sheet named after the file (as Excel names it: at most 31 characters).
  const name = sheetNameOfFile(fileName);
  const rows = parseDelimited(text);
  const grid: SheetGrid = { name, rows };
  return withSheets({ fileName, format: 'csv', bytes, encoding }, [{ name, hidden: false, part: name }], [], () => grid);
}

async function openZip(bytes: Uint8Array, fileName: string, opts: OpenOptions): Promise<WorkbookFile> {
  const zip = new ZipArchive(bytes, opts.inflate ?? defaultInflate);
  const mimetype = zip.has('mimetype') ? zip.text('mimetype') ?? '' : '';
  if (mimetype.includes('opendocument.spreadsheet') || (zip.has('content.xml') && !zip.has('[Content_Types].xml'))) {
    if (/encryption-data/.test(zip.text('META-INF/manifest.xml') ?? '')) throw new ReadError('password');
    return fromBook(await sheetJs(bytes), { fileName, format: 'ods', bytes });
  }
  if (mimetype.startsWith('application/vnd.oasis.opendocument')) throw new ReadError('notSpreadsheet', { what: 'docx' });
  let book: OoxmlBook;
  try {
    book = new OoxmlBook(zip);
  } catch (e) {
    if (e instanceof ReadError && e.code !== 'damaged') throw e;
    // Written by a program whose package the fast path does not follow: the full reader may.
    return fromBook(await sheetJs(bytes), { fileName, format: 'xlsx', bytes });
  }
  const format: FileFormat = book.macros ? 'xlsm' : 'xlsx';
  let fallback: SheetJsBook | undefined;
  return withSheets({ fileName, format, bytes, settings: book.settings }, book.sheets, book.definedNames, async (entry) => {
    try {
      return book.readSheet(entry);
    } catch (e) {
      if (e instanceof ReadError && e.code !== 'damaged') throw e;
      fallback ??= await sheetJs(bytes);
      const twin = fallback.sheets.find((s) => s.name === entry.name);
      if (!twin) throw new ReadError('damaged');
      return fallback.readSheet(twin);
    }
  });
}

async function openOle(bytes: Uint8Array, fileName: string, format: 'xls' | 'et'): Promise<WorkbookFile> {
  // Compound files name their streams in UTF-16LE: an encrypted .xlsx is one holding EncryptionInfo.
  if (hasUtf16(bytes, 'EncryptionInfo')) throw new ReadError('password');
  if (hasUtf16(bytes, 'WordDocument')) throw new ReadError('notSpreadsheet', { what: 'doc' });
  if (hasUtf16(bytes, 'PowerPoint Document')) throw new ReadError('notSpreadsheet', { what: 'pptx' });
  // A compound file named as a spreadsheet whose workbook stream cannot even be found is a broken one.
  if (!hasUtf16(bytes, 'Workbook') && !hasUtf16(bytes, 'Book')) throw new ReadError('damaged');
  return fromBook(await sheetJs(bytes), { fileName, format, bytes });
}

interface FileFacts {
  fileName: string;
  format: FileFormat;
  bytes: Uint8Array;
  encoding?: TextEncoding;
  settings?: Readonly<Record<string, string>>;
}

function fromBook(book: SheetJsBook, facts: FileFacts): WorkbookFile {
  return withSheets(facts, book.sheets, book.definedNames, (e) => book.readSheet(e));
}

function withSheets(facts: FileFacts, sheets: readonly SheetEntry[], definedNames: readonly DefinedName[], read: (e: SheetEntry) => SheetGrid | Promise<SheetGrid>): WorkbookFile {
  return {
    settings: {},
    ...facts,
    sheets,
    definedNames,
    sheetNames: async () => ledgerSheetNames(sheets.map((s) => s.name), definedNames),
    readSheet: async (name) => {
      const entry = sheets.find((s) => s.name === name);
      if (!entry) throw new ReadError('damaged');
      return read(entry);
    },
  };
}

export function sheetNameOfFile(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return (base.replace(/[\[\]:*?/\\]/g, '_').slice(0, 31) || 'Sheet1');
}

/** SheetJS is loaded only for the files that need it: about 0.2 s of start-up the .xlsx path never pays. */
// (require, not import(): bundlers inline it, and Node's test runner under tsx resolves it.)
async function sheetJs(data: Uint8Array | string): Promise<SheetJsBook> {
  const { SheetJsBook } = require('./sheetjs-reader') as typeof import('./sheetjs-reader');
  return SheetJsBook.open(data);
}

/** Excel 2.x–4.0 files are a bare BIFF stream (no compound file): a BOF record, 0x0009/0x0209/0x0409. */
function isBiffStream(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x09 && (b[1] === 0x00 || b[1] === 0x02 || b[1] === 0x04) && b[3] === 0x00 && b[2]! >= 4 && b[2]! <= 16;
}

function hasUtf16(bytes: Uint8Array, name: string): boolean {
  const needle = new Uint8Array(name.length * 2);
  for (let i = 0; i < name.length; i++) needle[2 * i] = name.charCodeAt(i);
  outer: for (let i = bytes.indexOf(needle[0]!); i >= 0; i = bytes.indexOf(needle[0]!, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (bytes[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

function binaryKind(b: Uint8Array): string {
  const ascii = String.fromCharCode(...b.subarray(0, 8));
  if (ascii.startsWith('%PDF')) return 'pdf';
  if (ascii.startsWith('\x89PNG') || ascii.startsWith('GIF8') || (b[0] === 0xff && b[1] === 0xd8)) return 'image';
  return 'binary';
}

/** fflate's inflate, for browsers; Node passes zlib's, several times faster. */
const defaultInflate: Inflate = (data, size) => inflateSync(data, { out: new Uint8Array(size) });
