/**
 * The fast path for .xlsx and .xlsm (whoever wrote them): values only, scanned from the sheet XML
 * with indexOf in slices cut at row ends, never a DOM of the sheet. Time and memory follow the
 * cells that hold values: validations, conditional formats, column styles and the like are never
 * looked at, and merged ranges are kept as ranges. Compared cell for cell with SheetJS in the tests.
 */
import { Cell, CellRange, SheetGrid, dateCell, errorCell } from '../workbook';
import { ZipArchive } from './zip';
import { ReadError } from './read-error';
import { attr, decodeXml, decodeXstring, indexOfBytes, lastIndexOfBytes, runText, startTags, tagAttributes } from './xml-text';
import { isDateFormatCode, isDateFormatId } from './number-formats';
import { fillMerges, parseRange } from './merges';
import { MAX_CELLS, SheetEntry, DefinedName } from './book-parts';

/** Days between the 1904 and the 1900 date systems' day 0. */
const DAYS_1904 = 1462;
/** Sheet XML is decoded and scanned this many bytes at a time (cut at a row's end). */
const SLICE_BYTES = 4 << 20;
const MAX_ROW = 1_048_576;
const MAX_COL = 16_384;

/** The `<mergeCells>` after sheetData (from `tail`): ranges of more than one cell. */
function mergesAfter(bytes: Uint8Array, prefix: string, tail: number): CellRange[] {
  const merges: CellRange[] = [];
  const mOpen = indexOfBytes(bytes, `<${prefix}mergeCells`, tail);
  if (mOpen < 0) return merges;
  const mClose = indexOfBytes(bytes, `</${prefix}mergeCells>`, mOpen);
  const xml = new TextDecoder('utf-8').decode(bytes.subarray(mOpen, mClose < 0 ? bytes.length : mClose));
  const re = /<(?:[\w.-]+:)?mergeCell\s[^>]*?ref\s*=\s*["']([^"']+)["']/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const r = parseRange(m[1]!);
    if (r && (r.bottom > r.top || r.right > r.left)) merges.push(r);
  }
  return merges;
}

export class OoxmlBook {
  readonly sheets: SheetEntry[] = [];
  readonly definedNames: DefinedName[] = [];
  /** The task pane's settings kept in the workbook (an add-in's webextension part), by name, as JSON text. */
  readonly settings: Record<string, string> = {};
  readonly date1904: boolean;
  /** An .xlsm: it holds a VBA project. */
  readonly macros: boolean;
  private readonly parts = new Map<string, string>();
  private sharedStrings?: string[];
  private dateStyles?: Uint8Array;
  private cells = 0;

  constructor(private readonly zip: ZipArchive) {
    const workbookPart = relationships(zip, '').find((r) => r.type.endsWith('/officeDocument'))?.target ?? (zip.has('xl/workbook.xml') ? 'xl/workbook.xml' : undefined);
    const xml = workbookPart === undefined ? undefined : zip.text(workbookPart);
    if (xml === undefined || workbookPart === undefined) {
      // A package that says it is a spreadsheet but lacks its workbook is a damaged one.
      const spreadsheet = zip.names().some((n) => n.toLowerCase().startsWith('xl/')) || /spreadsheetml/.test(zip.text('[Content_Types].xml') ?? '');
      throw spreadsheet ? new ReadError('damaged') : new ReadError('notSpreadsheet', { what: whatElse(zip) });
    }
    this.macros = zip.names().some((n) => /vbaProject\.bin$/i.test(n));
    const pr = startTags(xml, 'workbookPr')[0];
    const d1904 = pr === undefined ? undefined : attr(tagAttributes(pr), 'date1904');
    this.date1904 = d1904 === '1' || d1904 === 'true';
    const rels = relationships(zip, workbookPart);
    const byId = new Map(rels.map((r) => [r.id, r]));
    for (const r of rels) {
      if (r.type.endsWith('/sharedStrings')) this.parts.set('sharedStrings', r.target);
      if (r.type.endsWith('/styles')) this.parts.set('styles', r.target);
    }
    for (const tag of startTags(xml, 'sheet')) {
      const a = tagAttributes(tag);
      const name = attr(a, 'name');
      if (name === undefined) continue;
      const rel = byId.get(attr(a, 'id') ?? '');
      const state = attr(a, 'state');
      // Chart sheets hold no cells: listed, read as empty.
      const part = rel && !rel.type.endsWith('/chartsheet') && zip.has(rel.target) ? rel.target : null;
      this.sheets.push({ name, hidden: state === 'hidden' || state === 'veryHidden', part });
    }
    for (const part of zip.names().filter((n) => /^xl\/webextensions\/webextension\d*\.xml$/i.test(n))) {
      for (const tag of startTags(zip.text(part) ?? '', 'property')) {
        const a = tagAttributes(tag);
        const name = attr(a, 'name');
        const value = attr(a, 'value');
        if (name?.startsWith('ledger-sync.') && value !== undefined) this.settings[name] = value;
      }
    }
    const re = /<(?:[\w.-]+:)?definedName(\s[^>]*)>([^<]*)</g;
    for (let m = re.exec(xml); m; m = re.exec(xml)) {
      const name = attr(tagAttributes('<d' + m[1]!), 'name');
      if (name !== undefined) this.definedNames.push({ name, ref: decodeXml(m[2]!) });
    }
  }

  readSheet(entry: SheetEntry): SheetGrid {
    if (entry.part === null) return { name: entry.name, rows: [], hidden: entry.hidden };
    const bytes = this.zip.read(entry.part);
    if (bytes === undefined) throw new ReadError('damaged');
    const { rows, merges } = this.scan(bytes);
    fillMerges(rows, merges);
    return { name: entry.name, rows, merges, hidden: entry.hidden };
  }

  private strings(): string[] {
    if (this.sharedStrings) return this.sharedStrings;
    const part = this.parts.get('sharedStrings') ?? 'xl/sharedStrings.xml';
    const xml = this.zip.text(part) ?? '';
    const out: string[] = [];
    // Items are <si>…</si> (or <x:si>): found by their ends, which cannot nest.
    const prefix = /<([\w.-]+:)?sst[\s>]/.exec(xml)?.[1] ?? '';
    const open = `<${prefix}si`;
    const close = `</${prefix}si>`;
    for (let i = xml.indexOf(open); i >= 0; ) {
      const gt = xml.indexOf('>', i);
      if (gt < 0) break;
      if (xml.charCodeAt(gt - 1) === 47) {
        out.push(''); // <si/>
        i = xml.indexOf(open, gt);
        continue;
      }
      let end = xml.indexOf(close, gt);
      if (end < 0) end = xml.length;
      // Not copied: the strings live as long as the read, so keeping the part's text alive costs less.
      out.push(runText(xml, gt + 1, end));
      i = xml.indexOf(open, end);
    }
    return (this.sharedStrings = out);
  }

  /** Per cell style (xf) index: 1 when its number format shows a date or time. */
  private dates(): Uint8Array {
    if (this.dateStyles) return this.dateStyles;
    const xml = this.zip.text(this.parts.get('styles') ?? 'xl/styles.xml') ?? '';
    const custom = new Map<number, string>();
    for (const tag of startTags(xml, 'numFmt')) {
      const a = tagAttributes(tag);
      custom.set(Number(attr(a, 'numFmtId')), attr(a, 'formatCode') ?? '');
    }
    const from = xml.search(/<(?:[\w.-]+:)?cellXfs[\s>]/);
    const to = xml.search(/<\/(?:[\w.-]+:)?cellXfs>/);
    const xfs = from < 0 ? [] : startTags(xml.slice(from, to < 0 ? undefined : to), 'xf');
    const out = new Uint8Array(xfs.length);
    xfs.forEach((tag, i) => {
      const id = Number(attr(tagAttributes(tag), 'numFmtId') ?? 0);
      const code = custom.get(id);
      out[i] = (code !== undefined ? isDateFormatCode(code) : isDateFormatId(id)) ? 1 : 0;
    });
    return (this.dateStyles = out);
  }

  private scan(bytes: Uint8Array): { rows: Cell[][]; merges: CellRange[] } {
    const rows: Cell[][] = [];
    const merges: CellRange[] = [];
    const at = indexOfBytes(bytes, 'sheetData');
    if (at < 0) return { rows, merges };
    let lt = at - 1;
    while (lt >= 0 && bytes[lt] !== 0x3c) lt--;
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(lt + 1, at)); // '' or 'x:'
    const tagEnd = bytes.indexOf(0x3e, at);
    const decoder = new TextDecoder('utf-8');
    const st = new ScanState(prefix, rows, this.strings(), this.dates(), this.date1904 ? DAYS_1904 : 0, this.cells);
    let tail = tagEnd + 1;
    if (bytes[tagEnd - 1] !== 0x2f) {
      const close = lastIndexOfBytes(bytes, `</${prefix}sheetData>`);
      if (close < 0) throw new ReadError('damaged');
      const rowClose = `</${prefix}row>`;
      for (let from = tagEnd + 1; from < close; ) {
        let cut = close;
        if (from + SLICE_BYTES < close) {
          const r = indexOfBytes(bytes, rowClose, from + SLICE_BYTES);
          if (r >= 0 && r < close) cut = r + rowClose.length;
        }
        st.scan(decoder.decode(bytes.subarray(from, cut)));
        from = cut;
      }
      tail = close;
    }
    this.cells = st.cells;
    return { rows, merges: mergesAfter(bytes, prefix, tail) };
  }

  /**
   * Only the merged ranges of a sheet, its cells not read: what the pane needs from the file on an
   * Excel that cannot say where merges are (before ExcelApi 1.13).
   */
  mergesOf(entry: SheetEntry): CellRange[] {
    if (entry.part === null) return [];
    const bytes = this.zip.read(entry.part);
    if (bytes === undefined) throw new ReadError('damaged');
    const at = indexOfBytes(bytes, 'sheetData');
    if (at < 0) return [];
    let lt = at - 1;
    while (lt >= 0 && bytes[lt] !== 0x3c) lt--;
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(lt + 1, at));
    const close = lastIndexOfBytes(bytes, `</${prefix}sheetData>`);
    return mergesAfter(bytes, prefix, close < 0 ? at : close);
  }
}

/** The scan of rows and cells, carried across slices. */
class ScanState {
  row = 0;
  col = 0;
  private readonly cClose: string;
  private readonly vOpen: string;
  private readonly isOpen: string;
  // The attributes of the cell being read.
  private r: string | undefined;
  private t: string | undefined;
  private s: string | undefined;

  constructor(
    private readonly prefix: string,
    private readonly rows: Cell[][],
    private readonly sst: string[],
    private readonly dateStyles: Uint8Array,
    private readonly dateOffset: number,
    public cells: number,
  ) {
    this.cClose = `</${prefix}c>`;
    this.vOpen = `<${prefix}v`;
    this.isOpen = `<${prefix}is`;
  }

  scan(s: string): void {
    const p = this.prefix;
    const pl = p.length;
    let i = s.indexOf('<');
    while (i >= 0) {
      let j = i + 1;
      if (pl > 0 && s.startsWith(p, j)) j += pl;
      const ch = s.charCodeAt(j);
      if (ch === 99 /* c */ && nameEnds(s.charCodeAt(j + 1))) {
        i = this.cell(s, j + 1);
      } else if (ch === 114 /* r */ && s.charCodeAt(j + 1) === 111 && s.charCodeAt(j + 2) === 119 && nameEnds(s.charCodeAt(j + 3))) {
        const end = s.indexOf('>', j);
        this.attributes(s, j + 3, end);
        this.row = this.r !== undefined && this.r !== '' ? +this.r : this.row + 1;
        this.col = 0;
        i = s.indexOf('<', end);
      } else {
        i = s.indexOf('<', j);
      }
    }
  }

  private cell(s: string, from: number): number {
    const end = s.indexOf('>', from);
    if (end < 0) throw new ReadError('damaged');
    const selfClosing = s.charCodeAt(end - 1) === 47;
    this.attributes(s, from, selfClosing ? end - 1 : end);
    const ref = this.r;
    if (ref !== undefined && ref !== '') {
      let k = 0;
      let col = 0;
      for (; k < ref.length; k++) {
        const c = ref.charCodeAt(k) | 32;
        if (c >= 97 && c <= 122) col = col * 26 + c - 96;
        else if (c !== 36 /* $ */) break;
      }
      this.col = col;
      const rowNo = +ref.slice(k);
      if (rowNo > 0) this.row = rowNo;
    } else {
      this.col++;
    }
    if (selfClosing) return s.indexOf('<', end);
    const close = s.indexOf(this.cClose, end);
    if (close < 0) throw new ReadError('damaged');
    const value = this.value(s, end + 1, close);
    if (value !== null && this.row >= 1 && this.row <= MAX_ROW && this.col >= 1 && this.col <= MAX_COL) {
      const row = this.rows[this.row - 1] ?? (this.rows[this.row - 1] = []);
      while (row.length < this.col - 1) row.push(null);
      row[this.col - 1] = value;
      if (++this.cells > MAX_CELLS) throw new ReadError('tooLarge', { limit: 'cells' });
    }
    return s.indexOf('<', close + this.cClose.length);
  }

  private value(s: string, from: number, to: number): Cell {
    const t = this.t;
    if (t === 'inlineStr') {
      const is = s.indexOf(this.isOpen, from);
      if (is < 0 || is > to) return null;
      return nonEmpty(flat(runText(s, is, to)));
    }
    let v = s.indexOf(this.vOpen, from);
    while (v >= 0 && v < to && !nameEnds(s.charCodeAt(v + this.vOpen.length))) v = s.indexOf(this.vOpen, v + 1);
    if (v < 0 || v > to) return null;
    const gt = s.indexOf('>', v);
    if (s.charCodeAt(gt - 1) === 47) return null; // <v/>
    const raw = s.slice(gt + 1, s.indexOf('<', gt));
    if (t === undefined || t === 'n') {
      if (raw === '') return null;
      const n = +raw;
      if (!Number.isFinite(n)) return null;
      const style = this.s === undefined ? 0 : +this.s;
      return this.dateStyles[style] === 1 && n >= 0 ? dateCell(n + this.dateOffset) : n;
    }
    switch (t) {
      case 's':
        return nonEmpty(this.sst[+raw] ?? '');
      case 'str':
        return nonEmpty(flat(decodeXstring(raw)));
      case 'b':
        return raw === '1' || raw === 'true';
      case 'e':
        return errorCell(decodeXml(raw));
      case 'd':
        return isoDateCell(raw);
      default:
        return nonEmpty(flat(decodeXstring(raw)));
    }
  }

  /** Reads the r, t and s attributes of a start tag into the state (quotes either way). */
  private attributes(s: string, from: number, to: number): void {
    this.r = this.t = this.s = undefined;
    let k = from;
    while (k < to) {
      let c = s.charCodeAt(k);
      if (c <= 32 || c === 47) { k++; continue; }
      const nameStart = k;
      while (k < to && (c = s.charCodeAt(k)) !== 61 && c > 32) k++;
      const nameLen = k - nameStart;
      while (k < to && (c = s.charCodeAt(k)) !== 34 && c !== 39) k++;
      if (k >= to) return;
      const close = s.indexOf(c === 34 ? '"' : "'", k + 1);
      if (close < 0 || close > to) return;
      if (nameLen === 1) {
        const n = s.charCodeAt(nameStart);
        if (n === 114) this.r = s.slice(k + 1, close);
        else if (n === 116) this.t = s.slice(k + 1, close);
        else if (n === 115) this.s = s.slice(k + 1, close);
      }
      k = close + 1;
    }
  }
}

function nameEnds(c: number): boolean {
  return c === 32 || c === 62 || c === 47 || c === 9 || c === 10 || c === 13;
}

function nonEmpty(s: string): string | null {
  return s === '' ? null : s;
}

/** `t="d"` cells (ISO 8601, as some writers and strict OOXML use) → a date serial. */
function isoDateCell(raw: string): Cell {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?/.exec(raw);
  if (!m) return nonEmpty(raw);
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), 0) + Math.round(+(m[6] ?? 0) * 1000);
  return dateCell(ms / 86_400_000 + 25_569);
}

/**
 * A copy of a text that does not keep the slice it was cut from alive: V8 makes a substring of 13
 * characters or more a view of its parent, so a cell's text would hold its whole 4 MB slice of
 * sheet XML. Repeated texts share one copy (a small bounded memo).
 */
const flatCopies = new Map<string, string>();
function flat(s: string): string {
  if (s.length < 13) return s;
  let copy = flatCopies.get(s);
  if (copy === undefined) {
    copy = (' ' + s).slice(1);
    if (flatCopies.size >= 4096) flatCopies.clear();
    flatCopies.set(copy, copy); // keyed by the copy: the slice itself must not be kept
  }
  return copy;
}

interface Relationship {
  id: string;
  type: string;
  /** The part's name, resolved against the source part. */
  target: string;
}

/** The relationships of a part ('' for the package), targets resolved; external ones left out. */
function relationships(zip: ZipArchive, part: string): Relationship[] {
  const dir = part.includes('/') ? part.slice(0, part.lastIndexOf('/') + 1) : '';
  const file = part.slice(dir.length);
  const xml = zip.text(`${dir}_rels/${file}.rels`);
  if (xml === undefined) return [];
  const out: Relationship[] = [];
  for (const tag of startTags(xml, 'Relationship')) {
    const a = tagAttributes(tag);
    if (attr(a, 'TargetMode') === 'External') continue;
    const target = attr(a, 'Target');
    if (target === undefined) continue;
    out.push({ id: attr(a, 'Id') ?? '', type: attr(a, 'Type') ?? '', target: resolvePart(dir, target) });
  }
  return out;
}

function resolvePart(dir: string, target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : dir + target;
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

/** What a ZIP that is no workbook holds, for the refusal. */
function whatElse(zip: ZipArchive): string {
  if (zip.has('word/document.xml')) return 'docx';
  if (zip.has('ppt/presentation.xml')) return 'pptx';
  if (zip.has('Index/Document.iwa')) return 'numbers';
  return 'zip';
}
