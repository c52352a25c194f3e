/// <reference types="office-js" />
/**
 * The one place that touches Office.js: the workbook interface of shared/workbook.ts read in row
 * blocks, the shared sheet layouts written as Excel tables with native charts, and the add-in's
 * marks on bad cells. Every request stays well under Excel on the web's 5 MB payload limit: blocks
 * are sized from an estimate of their bytes, and a block the host still refuses is retried smaller.
 */
import { Cell, CellRange, SheetGrid, WorkbookSource, errorCell } from '../shared/workbook';
import { ledgerSheetNames } from '../shared/read/book-parts';
import { fillMerges, parseRange } from '../shared/read/merges';
import { visibleText } from '../shared/text';
import { CellFormat, NUMBER_FORMATS, SheetLayout, SheetValue, a1, keyOfMarkName, needsTextGuard, quoteSheet, rangeA1, sheetOfMarkReference, totalsFormula } from '../shared/sheet-layout';

export type ExcelRun = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

export interface AdapterOptions {
  /** Bytes a single request or response may carry: well under the host's 5 MB. */
  maxPayloadBytes?: number;
  /** Whether ExcelApi 1.9 (RangeAreas) is there, for marking scattered cells in one go. */
  rangeAreas?: boolean;
  /**
   * Whether ExcelApi 1.13 (getMergedAreasOrNullObject) is there: merged ranges are then read as the
   * file reader reads them (each cell its range's top-left value). Older Excel cannot say where
   * merges are: there `fileMerges` says where they are.
   */
  mergedAreas?: boolean;
  /**
   * Without ExcelApi 1.13: the merged ranges of each sheet as the workbook's own file holds them
   * (documentMerges below), asked once per reading of the workbook. Without either, the other cells
   * of a merged range read empty.
   */
  fileMerges?: () => Promise<Map<string, CellRange[]>>;
}

/**
 * The open workbook as its file, from Office's Common API (Excel 2013 and later, every platform):
 * its compressed (.xlsx) form in slices of up to 4 MB, joined.
 */
export function documentFile(): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    Office.context.document.getFileAsync(Office.FileType.Compressed, { sliceSize: 4 * 1024 * 1024 }, (opened) => {
      if (opened.status !== Office.AsyncResultStatus.Succeeded) return reject(opened.error);
      const file = opened.value;
      const parts: Uint8Array[] = [];
      const done = (e?: unknown) => file.closeAsync(() => (e ? reject(e) : resolve(joined(parts))));
      const next = (i: number): void => {
        if (i >= file.sliceCount) return done();
        file.getSliceAsync(i, (slice) => {
          if (slice.status !== Office.AsyncResultStatus.Succeeded) return done(slice.error);
          parts.push(new Uint8Array(slice.value.data as ArrayLike<number>));
          next(i + 1);
        });
      };
      next(0);
    });
  });
}

function joined(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Excel's error values, as `values` gives them: text, told apart from real text by this list. */
const ERROR_VALUES = new Set(['#N/A', '#VALUE!', '#REF!', '#DIV/0!', '#NUM!', '#NAME?', '#NULL!', '#SPILL!', '#CALC!', '#GETTING_DATA', '#FIELD!', '#BLOCKED!', '#CONNECT!', '#BUSY!', '#UNKNOWN!']);

function isPayloadError(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return /PayloadSizeLimitExceeded|RequestPayloadSizeLimitExceeded|ResponsePayloadSizeLimitExceeded/.test(code) || /payload/i.test((e as Error).message ?? '');
}

/** Bytes a block of values takes as JSON, estimated without building the JSON. */
export function estimateBytes(rows: readonly (readonly unknown[])[]): number {
  let n = 2;
  for (const r of rows) {
    n += 2;
    for (const v of r) n += typeof v === 'string' ? v.length * 3 + 3 : typeof v === 'number' ? 20 : 6;
  }
  return n;
}

const MARK_FILL = '#FFC7CE';
const MARK_FONT = '#9C0006';
/** The formula of the add-in's own conditional formats: tells them apart from the user's. */
const MARK_RULE = '=TRUE+0*0';
/** The title of the add-in's input messages (shown when a marked cell is selected): tells them apart from the user's. */
const PROMPT_TITLE = 'ledger-sync 台账同步';

export interface CellMark {
  sheet: string;
  address: string;
  /** The finding's message, shown on the cell when selected (Excel's input message). */
  message?: string;
}

export class OfficeWorkbook implements WorkbookSource {
  private readonly maxBytes: number;
  /** Requests made (context.sync calls), for the tests and the figures. */
  syncs = 0;
  /** Cells given an input message by markCells (the pane keeps them in the workbook's settings). */
  prompted: { sheet: string; address: string }[] = [];

  constructor(
    private readonly run: ExcelRun,
    private readonly opts: AdapterOptions = {},
  ) {
    this.maxBytes = opts.maxPayloadBytes ?? 4_000_000;
  }

  private async sync(ctx: Excel.RequestContext): Promise<void> {
    this.syncs++;
    await ctx.sync();
  }

  private fileMergesOfRead?: Promise<Map<string, CellRange[]>>;

  /** Sheet names in order; ledger-sync's own analysis sheets (marked by a hidden name) are not ledgers. */
  async sheetNames(): Promise<string[]> {
    // A new reading of the workbook: its merges are asked for again, as they may have changed.
    this.fileMergesOfRead = undefined;
    return this.run(async (ctx) => {
      const sheets = ctx.workbook.worksheets.load('items/name');
      const names = ctx.workbook.names.load('items/name,items/formula');
      await this.sync(ctx);
      return ledgerSheetNames(sheets.items.map((s) => s.name), names.items.map((n) => ({ name: n.name, ref: String(n.formula) })));
    });
  }

  async readSheet(name: string): Promise<SheetGrid> {
    return this.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem(name);
      const used = ws.getUsedRangeOrNullObject(true).load('rowIndex,columnIndex,rowCount,columnCount');
      await this.sync(ctx);
      if (used.isNullObject) return { name, rows: [] };
      const rows: Cell[][] = [];
      const cols = used.columnIndex + used.columnCount;
      const last = used.rowIndex + used.rowCount;
      // A first small block measures the rows; later blocks are sized from it, and shrink when refused.
      let block = Math.min(200, used.rowCount);
      for (let start = used.rowIndex; start < last; ) {
        const n = Math.min(block, last - start);
        let values: unknown[][];
        try {
          const r = ws.getRangeByIndexes(start, 0, n, cols).load('values');
          await this.sync(ctx);
          values = r.values;
        } catch (e) {
          if (!isPayloadError(e) || n === 1) throw e;
          block = Math.max(1, Math.floor(n / 2));
          continue;
        }
        for (let i = 0; i < values.length; i++) rows[start + i] = values[i]!.map(cellOf);
        const perRow = estimateBytes(values) / Math.max(1, values.length);
        block = Math.max(1, Math.min(50_000, Math.floor(this.maxBytes / Math.max(perRow, 1))));
        start += n;
      }
      let merges: CellRange[];
      if (this.opts.mergedAreas) {
        const areas = used.getMergedAreasOrNullObject().load('address');
        await this.sync(ctx);
        merges = areas.isNullObject ? [] : mergedRanges(areas.address);
      } else if (this.opts.fileMerges) {
        this.fileMergesOfRead ??= this.opts.fileMerges();
        merges = (await this.fileMergesOfRead).get(name) ?? [];
      } else {
        return { name, rows };
      }
      fillMerges(rows, merges);
      return { name, rows, merges };
    });
  }

  /**
   * Writes analysis sheets laid out by shared/sheet-layout.ts: values first, formats after, then the
   * table and its chart. The add-in's own earlier sheets of those names are replaced; a user's
   * sheet of the same name is never touched (the write is refused before anything changes).
   */
  async writeLayouts(layouts: SheetLayout[]): Promise<void> {
    let existing = new Set<string>();
    await this.run(async (ctx) => {
      const sheets = ctx.workbook.worksheets.load('items/name');
      const names = ctx.workbook.names.load('items/name,items/formula');
      await this.sync(ctx);
      const ours = new Map(names.items.filter((n) => keyOfMarkName(n.name) !== null).map((n) => [sheetOfMarkReference(String(n.formula)), n.name]));
      const taken = layouts.find((l) => sheets.items.some((s) => s.name === l.name) && !ours.has(l.name));
      if (taken) throw new Error(`the workbook already has a sheet "${taken.name}" that ledger-sync did not write; rename it first`);
      // Our earlier sheets of these tables go, by their marks: in either language, whatever their names.
      const replaced = new Set(layouts.map((l) => l.markName));
      for (const n of names.items) if (keyOfMarkName(n.name) !== null && replaced.has(n.name)) n.delete();
      const gone = new Set<string>();
      for (const [sheet, mark] of ours) {
        if (sheet !== null && replaced.has(mark) && sheets.items.some((s) => s.name === sheet)) {
          ctx.workbook.worksheets.getItem(sheet).delete();
          gone.add(sheet);
        }
      }
      await this.sync(ctx);
      existing = new Set(sheets.items.map((s) => s.name).filter((n) => !gone.has(n)));
    });
    for (const l of layouts) await this.writeLayout(l, existing);
  }

  private async writeLayout(l: SheetLayout, existing: ReadonlySet<string>): Promise<void> {
    await this.run(async (ctx) => {
      ctx.workbook.application.suspendApiCalculationUntilNextSync();
      const ws = ctx.workbook.worksheets.add(l.name);
      ws.getRangeByIndexes(l.title.row, l.title.col, 1, 1).values = [[text(l.title.text)]];
      ws.getRangeByIndexes(l.subtitle.row, l.subtitle.col, 1, 1).values = [[text(l.subtitle.text)]];
      if (l.note) ws.getRangeByIndexes(l.note.row, l.note.col, 1, 1).values = [[text(l.note.text)]];
      const width = l.columns.length;
      ws.getRangeByIndexes(l.headerRow, l.firstCol, 1, width).values = [l.columns.map((c) => c.label)];
      await this.sync(ctx);
      // Values in blocks sized to the payload, then each column's format in one request.
      const body = l.rows.map((r) => r.map(officeValue));
      const perRow = estimateBytes(body.slice(0, 200)) / Math.max(1, Math.min(200, body.length));
      let block = Math.max(1, Math.floor(this.maxBytes / Math.max(perRow, 1)));
      for (let i = 0; i < body.length; ) {
        const n = Math.min(block, body.length - i);
        try {
          ctx.workbook.application.suspendApiCalculationUntilNextSync();
          ws.getRangeByIndexes(l.headerRow + 1 + i, l.firstCol, n, width).values = body.slice(i, i + n);
          await this.sync(ctx);
          i += n;
        } catch (e) {
          if (!isPayloadError(e) || n === 1) throw e;
          block = Math.max(1, Math.floor(n / 2));
        }
      }
      // A finding's location jumps to its cell (ExcelApi 1.7), where that sheet is in the workbook.
      for (const k of l.links ?? []) {
        if (existing.has(k.sheet)) ws.getRangeByIndexes(k.row, k.col, 1, 1).hyperlink = { documentReference: `${quoteSheet(k.sheet)}!${k.cell}`, textToDisplay: `${k.sheet}!${k.cell}` };
      }
      const first = l.headerRow + 1;
      const dataRows = l.rows.length;
      l.columns.forEach((c, j) => {
        const col = ws.getRangeByIndexes(first, l.firstCol + j, dataRows + (l.totals ? 1 : 0), 1);
        col.numberFormat = Array.from({ length: dataRows + (l.totals ? 1 : 0) }, () => [NUMBER_FORMATS[c.format]]);
        // 是/否 centred: never against the number beside it.
        if (c.format === 'flag') col.format.horizontalAlignment = 'Center';
        ws.getRangeByIndexes(0, l.firstCol + j, 1, 1).format.columnWidth = c.width * 7;
      });
      const title = ws.getRangeByIndexes(l.title.row, l.title.col, 1, 1).format.font;
      title.bold = true;
      title.size = 14;
      title.color = '#1F3864';
      ws.getRangeByIndexes(l.subtitle.row, l.subtitle.col, 1, 1).format.font.color = '#595959';
      if (l.note) ws.getRangeByIndexes(l.note.row, l.note.col, 1, 1).format.font.bold = true;
      // The table over header and data; its totals row (when the layout has one) below.
      const table = ws.tables.add(rangeA1({ row: l.headerRow, col: l.firstCol, lastRow: l.headerRow + dataRows, lastCol: l.firstCol + width - 1 }), true);
      table.name = l.tableName;
      table.style = 'TableStyleMedium2';
      if (l.totals) {
        table.showTotals = true;
        const totals = l.totals;
        table.getTotalRowRange().formulas = [
          totals.map((t, j) => (t.kind === 'sum' || t.kind === 'ratio' ? `=${totalsFormula(l, j)}` : officeValue(t.value))),
        ];
        table.getTotalRowRange().format.font.bold = true;
      }
      if (l.chartData) {
        const d = l.chartData;
        ws.getRangeByIndexes(d.caption.row, d.caption.col, 1, 1).values = [[text(d.caption.text)]];
        ws.getRangeByIndexes(d.header.row, d.header.col, 1, d.header.labels.length).values = [d.header.labels];
        if (d.rows.length) ws.getRangeByIndexes(d.header.row + 1, d.header.col, d.rows.length, d.header.labels.length).values = d.rows.map((r) => r.map(officeValue));
        d.formats.forEach((f, k) => {
          if (d.rows.length) ws.getRangeByIndexes(d.header.row + 1, d.header.col + k, d.rows.length, 1).numberFormat = d.rows.map(() => [NUMBER_FORMATS[f as CellFormat]]);
          // Beyond the table's columns the data block's own widths (no `###`).
          if (d.header.col + k > l.tableRange.lastCol) ws.getRangeByIndexes(0, d.header.col + k, 1, 1).format.columnWidth = d.widths[k]! * 7;
        });
      }
      if (l.chart) {
        const c = l.chart;
        const type = CHART_TYPES[c.type];
        const chart = ws.charts.add(type, ws.getRange(rangeA1(c.series[0]!.values)), 'Columns');
        chart.title.text = c.title;
        chart.setPosition(a1(c.anchor.row, c.anchor.col), a1(c.anchor.row + c.anchor.rows, c.anchor.col + c.anchor.cols));
        const s0 = chart.series.getItemAt(0);
        s0.name = c.series[0]!.name;
        s0.setXAxisValues(ws.getRange(rangeA1(c.categories)));
        for (const s of c.series.slice(1)) {
          const more = chart.series.add(s.name);
          more.setValues(ws.getRange(rangeA1(s.values)));
          more.setXAxisValues(ws.getRange(rangeA1(c.categories)));
        }
        chart.legend.position = 'Bottom';
      }
      ws.freezePanes.freezeRows(l.frozenRows);
      ctx.workbook.names.add(l.markName, ws.getRange('A1'), 'ledger-sync analysis sheet: written again by the add-in, never edited by hand').visible = false;
      await this.sync(ctx);
    });
  }

  /**
   * Marks findings' cells: the add-in's own conditional formats (never the user's fills), and the
   * finding's message as the cell's input message where the cell has no data validation of the
   * user's. Returns the conditional formats made; `prompted` lists the cells given a message.
   */
  async markCells(marks: CellMark[]): Promise<number> {
    const bySheet = new Map<string, string[]>();
    for (const m of marks) {
      const list = bySheet.get(m.sheet);
      if (list) list.push(m.address);
      else bySheet.set(m.sheet, [m.address]);
    }
    let requests = 0;
    await this.run(async (ctx) => {
      for (const [sheet, cells] of bySheet) {
        const addresses = columnBlocks(cells);
        const ws = ctx.workbook.worksheets.getItem(sheet);
        // RangeAreas take a list of up to a few thousand characters of addresses at a time.
        const groups: string[][] = [];
        let cur: string[] = [];
        let len = 0;
        for (const a of addresses) {
          if (cur.length > 0 && (len + a.length > 2000 || !this.opts.rangeAreas)) {
            groups.push(cur);
            cur = [];
            len = 0;
          }
          cur.push(a);
          len += a.length + 1;
        }
        if (cur.length) groups.push(cur);
        for (const g of groups) {
          const target = this.opts.rangeAreas ? ws.getRanges(g.join(',')) : ws.getRange(g[0]!);
          const cf = target.conditionalFormats.add('Custom');
          cf.custom.rule.formula = MARK_RULE;
          cf.custom.format.fill.color = MARK_FILL;
          cf.custom.format.font.color = MARK_FONT;
        }
        requests += groups.length;
      }
      await this.sync(ctx);
      // Messages only where the user has no validation rule: theirs is never replaced.
      const withMessage = marks.filter((m) => m.message);
      const ranges = withMessage.map((m) => {
        const r = ctx.workbook.worksheets.getItem(m.sheet).getRange(m.address);
        r.dataValidation.load('type');
        return { m, r };
      });
      if (ranges.length) await this.sync(ctx);
      for (const { m, r } of ranges) {
        if (r.dataValidation.type !== 'None') continue;
        // Excel allows 255 characters in an input message and 32 in its title.
        r.dataValidation.prompt = { showPrompt: true, title: PROMPT_TITLE.slice(0, 32), message: m.message!.slice(0, 255) };
        this.prompted.push({ sheet: m.sheet, address: m.address });
      }
      if (ranges.length) await this.sync(ctx);
    });
    return requests;
  }

  /** Removes the add-in's marks, and only them: its conditional formats, and the input messages it set on `prompted` cells. */
  async clearMarks(prompted: { sheet: string; address: string }[] = this.prompted): Promise<number> {
    const n = await this.run(async (ctx) => {
      const dvs = prompted.map((p) => ctx.workbook.worksheets.getItem(p.sheet).getRange(p.address).dataValidation.load('prompt'));
      if (dvs.length) await this.sync(ctx);
      for (const dv of dvs) if (dv.prompt.title === PROMPT_TITLE.slice(0, 32)) dv.clear();
      if (dvs.length) await this.sync(ctx);
      const sheets = ctx.workbook.worksheets.load('items/name');
      await this.sync(ctx);
      const lists = sheets.items.map((ws) => ws.getRange().conditionalFormats.load('items/type'));
      await this.sync(ctx);
      const customs = lists.flatMap((l) => l.items.filter((cf) => cf.type === 'Custom'));
      for (const cf of customs) cf.custom.rule.load('formula');
      await this.sync(ctx);
      let n = 0;
      for (const cf of customs) {
        if (cf.custom.rule.formula === MARK_RULE) {
          cf.delete();
          n++;
        }
      }
      await this.sync(ctx);
      return n;
    });
    this.prompted = [];
    return n;
  }

  /** Moves the selection to a finding's cell. */
  async select(sheet: string, address: string): Promise<void> {
    await this.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem(sheet);
      ws.activate();
      ws.getRange(address).select();
      await this.sync(ctx);
    });
  }
}

/** Single cells (`C5`) merged into runs down a column (`C5:C9`): fewer ranges to mark, with or without RangeAreas. */
export function columnBlocks(cells: readonly string[]): string[] {
  const byCol = new Map<string, number[]>();
  for (const c of cells) {
    const m = /^([A-Z]+)(\d+)$/.exec(c);
    if (!m) continue;
    const rows = byCol.get(m[1]!);
    if (rows) rows.push(+m[2]!);
    else byCol.set(m[1]!, [+m[2]!]);
  }
  const out: string[] = [];
  for (const [col, rows] of byCol) {
    const sorted = [...new Set(rows)].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
      out.push(i === j ? `${col}${sorted[i]}` : `${col}${sorted[i]}:${col}${sorted[j]}`);
      i = j + 1;
    }
  }
  return out;
}

// Office.js takes its enumerations' string values; the `Excel` namespace exists only inside Office.
const CHART_TYPES = {
  column_clustered: 'ColumnClustered',
  column_stacked: 'ColumnStacked',
  bar_clustered: 'BarClustered',
  line: 'LineMarkers',
  pie: 'Pie',
} as const;

function cellOf(v: unknown): Cell {
  if (v === '' || v === null || v === undefined) return null;
  if (typeof v === 'string') return ERROR_VALUES.has(v) ? errorCell(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

/** Text as Excel must take it: a leading apostrophe keeps `=…` (and + - @) from becoming a formula. */
/** Text as a cell of an analysis sheet: never a formula, control characters shown (`\u001b`), as the file writer does. */
function text(s: string): string {
  const v = visibleText(s);
  return needsTextGuard(v) ? `'${v}` : v;
}

function officeValue(v: SheetValue): string | number {
  if (v === null) return '';
  if (typeof v === 'number') return v;
  if (typeof v === 'object') return v.date;
  return text(v);
}


/** The ranges of a RangeAreas address (`'合同台账'!C2:C3, '合同台账'!A5:B5`): sheet names may hold commas, so each range is found by its cells. */
export function mergedRanges(address: string): CellRange[] {
  const out: CellRange[] = [];
  // (exec in a loop: EdgeHTML has no matchAll)
  const re = /!(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)/g;
  for (let m = re.exec(address); m; m = re.exec(address)) {
    const r = parseRange(m[1]!);
    if (r) out.push(r);
  }
  return out;
}
