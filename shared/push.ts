/**
 * What a push carries, built the same way by the CLI and the add-in, and read back by the service
 * with the same validation code: the rows of each ledger as the clerk's cells, with their layout.
 */
import { LedgerKind } from './ledgers';
import { Cell, SheetGrid, columnLetter, columnNumber } from './workbook';
import { CheckResult } from './check';
import type { PushOpenRequest, PushSheet } from './api';
import { MAX_CHUNK_ROWS, MAX_CHUNK_BYTES } from './api-limits';
import { LedgerRow, ParsedSheet, SheetLayout, ReadOptions, checkLedgerRows, readLedgerRows, rowsBelowHeader } from './validate';
import { Finding } from './findings';
import { IsoDate } from './dates';

/** An incremental digest (SHA-256 hex): node:crypto on the server and CLI, a JS one in the add-in. */
export interface Hasher {
  update(text: string | Uint8Array): void;
  digest(): string;
}

export interface PreparedPush {
  open: PushOpenRequest;
  rows: Cell[][];
  sourceRows: [number, number][];
}

/** Cells without the empty tail, which a sheet's used range often pads rows with. */
function trimRow(cells: ReadonlyArray<Cell>): Cell[] {
  let end = cells.length;
  while (end > 0 && (cells[end - 1] === null || cells[end - 1] === undefined)) end--;
  const out = new Array<Cell>(end);
  for (let i = 0; i < end; i++) out[i] = cells[i] ?? null;
  return out;
}

function pushSheet(l: SheetLayout): PushSheet {
  const s: PushSheet = { sheet: l.sheet, header_row: l.headerRow, title_year: l.titleYear, headers: l.headers };
  // Only what differs from a plain sheet: pushes of plain sheets keep their content hashes.
  if ((l.headerRows ?? 1) > 1) s.header_rows = l.headerRows;
  if (l.moneyUnit) s.money_unit = l.moneyUnit;
  if (l.units && Object.keys(l.units).length > 0) s.units = l.units;
  if (l.footerRow) s.footer_row = l.footerRow;
  if (l.event) s.event = l.event as PushSheet['event'];
  if (l.splitDates && Object.keys(l.splitDates).length > 0) {
    s.split_dates = Object.fromEntries(Object.entries(l.splitDates).map(([f, [m, d]]) => [f, [columnLetter(m + 1), columnLetter(d + 1)]]));
  }
  return s;
}

function lettersOf(mapping: Record<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, col] of Object.entries(mapping)) out[field] = columnLetter(col + 1);
  return out;
}

/** The head line of a push's content hash: what its rows are read with. */
export function canonicalHead(head: Pick<PushOpenRequest, 'kind' | 'year' | 'source' | 'columns'>): string {
  return JSON.stringify([head.kind, head.year ?? null, head.source.sheets, head.columns]) + '\n';
}

/**
 * The content hash of a push, fed chunk by chunk in order; the same whatever the chunking:
 * SHA-256 (hex) of the head line, then the hex digests of the push's rows and of its source rows,
 * each taken over the JSON array of them all written without its brackets (`[r0,r1]` and `[r2]`
 * give `r0,r1` + `,` + `r2`). One JSON.stringify per chunk, not per row.
 */
export class ContentHasher {
  private readonly rows: Hasher;
  private readonly sources: Hasher;
  private any = false;

  constructor(
    private readonly head: Pick<PushOpenRequest, 'kind' | 'year' | 'source' | 'columns'>,
    private readonly make: () => Hasher,
  ) {
    this.rows = make();
    this.sources = make();
  }

  add(rows: ReadonlyArray<ReadonlyArray<Cell>>, sourceRows: ReadonlyArray<readonly [number, number]>): void {
    if (rows.length > 0) this.addSections(JSON.stringify(rows).slice(1, -1), JSON.stringify(sourceRows).slice(1, -1));
  }

  /** The same for the JSON of a chunk's (non-empty) rows and source rows without their brackets, as text or UTF-8. */
  addSections(rows: string | Uint8Array, sourceRows: string | Uint8Array): void {
    if (this.any) {
      this.rows.update(',');
      this.sources.update(',');
    }
    this.any = true;
    this.rows.update(rows);
    this.sources.update(sourceRows);
  }

  digest(): string {
    const h = this.make();
    h.update(canonicalHead(this.head));
    h.update(`${this.rows.digest()}\n${this.sources.digest()}\n`);
    return h.digest();
  }
}

/**
 * A chunk's request body, `{"rows":[…],"source_rows":[…]}`: as clients send it, and as the service
 * finds in it the bytes it hashes (server/chunk-cache.ts hashedSections).
 */
export function chunkBody(rows: ReadonlyArray<ReadonlyArray<Cell>>, sourceRows: ReadonlyArray<readonly [number, number]>): string {
  return JSON.stringify({ rows, source_rows: sourceRows });
}

/** The digest of a push (ContentHasher over all its rows). */
export function contentHash(
  head: Pick<PushOpenRequest, 'kind' | 'year' | 'source' | 'columns'>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
  sourceRows: ReadonlyArray<readonly [number, number]>,
  hasher: () => Hasher,
): string {
  const h = new ContentHasher(head, hasher);
  for (let i = 0; i < rows.length; i += MAX_CHUNK_ROWS) {
    const to = Math.min(rows.length, i + MAX_CHUNK_ROWS);
    h.add(rows.slice(i, to), sourceRows.slice(i, to));
  }
  return h.digest();
}

/**
 * One push per ledger kind found in the workbook: every non-empty row below each header (totals
 * included: the service decides what they are, as the client did).
 */
export function preparePushes(
  grids: readonly SheetGrid[],
  result: CheckResult,
  opts: { period: string; workbook: string; year?: number; hasher: () => Hasher },
): PreparedPush[] {
  const byName = new Map(grids.map((g) => [g.name, g]));
  const kinds = new Map<LedgerKind, SheetLayout[]>();
  for (const l of result.layouts) kinds.set(l.kind, [...(kinds.get(l.kind) ?? []), l]);
  const pushes: PreparedPush[] = [];
  for (const [kind, layouts] of kinds) {
    const rows: Cell[][] = [];
    const sourceRows: [number, number][] = [];
    layouts.forEach((l, i) => {
      // Rows below the header block, up to the footer's first row (where the service says I03).
      for (const r of rowsBelowHeader(byName.get(l.sheet)!, l.headerRow - 1 + (l.headerRows ?? 1))) {
        if (l.footerRow && r.row > l.footerRow) break;
        rows.push(trimRow(r.cells));
        sourceRows.push([i, r.row]);
      }
    });
    const head = {
      kind,
      period: opts.period,
      ...(opts.year !== undefined ? { year: opts.year } : {}),
      source: { workbook: opts.workbook, sheets: layouts.map(pushSheet) },
      columns: layouts.map((l) => lettersOf(l.mapping)),
    };
    const open: PushOpenRequest = { ...head, row_count: rows.length, content_hash: contentHash(head, rows, sourceRows, opts.hasher) };
    pushes.push({ open, rows, sourceRows });
  }
  return pushes;
}

/** Chunk boundaries: at most MAX_CHUNK_ROWS rows and, by a byte estimate, well under the body limit. */
export function chunkRanges(rows: ReadonlyArray<ReadonlyArray<Cell>>, maxRows = MAX_CHUNK_ROWS, maxBytes = MAX_CHUNK_BYTES / 2): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const size = estimateBytes(rows[i]!);
    if (i > start && (i - start >= maxRows || bytes + size > maxBytes)) {
      ranges.push([start, i]);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < rows.length || rows.length === 0) ranges.push([start, rows.length]);
  return ranges;
}

function estimateBytes(row: ReadonlyArray<Cell>): number {
  let n = 16;
  for (const c of row) n += typeof c === 'string' ? c.length * 3 + 3 : 24;
  return n;
}

/** Column letters back to 0-based columns. */

function layoutsOf(open: Pick<PushOpenRequest, 'kind' | 'source' | 'columns'>): SheetLayout[] {
  return open.source.sheets.map((s, i) => {
    const mapping: Record<string, number> = {};
    for (const [field, letter] of Object.entries(open.columns[i] ?? {})) mapping[field] = columnNumber(letter) - 1;
    return {
      sheet: s.sheet, kind: open.kind, headerRow: s.header_row, headerRows: s.header_rows ?? 1, moneyUnit: s.money_unit ?? null,
      units: s.units ?? {}, footerRow: s.footer_row ?? null, ...(s.event ? { event: s.event } : {}),
      ...(s.split_dates ? { splitDates: Object.fromEntries(Object.entries(s.split_dates).map(([f, [m, d]]) => [f, [columnNumber(m) - 1, columnNumber(d) - 1] as [number, number]])) } : {}),
      titleYear: s.title_year, headers: s.headers, mapping,
    };
  });
}

/**
 * The row-by-row part of reading a push, for one chunk: its rows parsed per source sheet (sparse:
 * only the sheets the chunk holds rows of). The service does this as each chunk arrives.
 */
export function readPushChunk(
  open: Pick<PushOpenRequest, 'kind' | 'source' | 'columns'>,
  rows: ReadonlyArray<ReadonlyArray<Cell>>,
  sourceRows: ReadonlyArray<readonly [number, number]>,
  opts: ReadOptions,
): ParsedSheet[] {
  const layouts = layoutsOf(open);
  const out: ParsedSheet[] = [];
  const present = new Set(sourceRows.map((r) => r[0]));
  for (const i of present) {
    // Sheet-level findings (V00) belong to the whole push, not to each chunk: see checkPushParts.
    const part = readLedgerRows(layouts[i]!, sheetRows(rows, sourceRows, i), opts);
    out[i] = { ...part, findings: part.findings.filter((f) => f.code !== 'V00') };
  }
  return out;
}

/**
 * The ledger-wide part: the chunks' parsed rows, in chunk order, validated as one ledger a row at
 * a time (checkLedgerRows) — each row given once checked, its findings added to `findings` as it
 * goes, complete once the last row has been taken.
 */
export function checkPushParts(
  open: Pick<PushOpenRequest, 'kind' | 'year' | 'source' | 'columns'>,
  chunks: ReadonlyArray<ParsedSheet[]>,
  asOf: IsoDate,
  opts: ReadOptions,
  findings: Finding[],
): Iterable<LedgerRow> {
  return checkLedgerRows(open.kind, wholeSheets(open, chunks, opts), { asOf, year: open.year }, opts, findings);
}

/** Each source sheet's rows and findings from the chunks, in chunk order. */
function wholeSheets(open: Pick<PushOpenRequest, 'kind' | 'source' | 'columns'>, chunks: ReadonlyArray<ParsedSheet[]>, opts: ReadOptions): ParsedSheet[] {
  return layoutsOf(open).map((layout, i) => {
    const whole = readLedgerRows(layout, [], opts);
    if (whole.info.missing.length > 0) return whole;
    for (const chunk of chunks) {
      const part = chunk[i];
      if (!part) continue;
      for (const r of part.rows) whole.rows.push(r);
      for (const f of part.findings) whole.findings.push(f);
    }
    whole.info.data_rows = whole.rows.length;
    return whole;
  });
}

function* sheetRows(rows: ReadonlyArray<ReadonlyArray<Cell>>, sourceRows: ReadonlyArray<readonly [number, number]>, sheet: number) {
  for (let i = 0; i < rows.length; i++) if (sourceRows[i]![0] === sheet) yield { row: sourceRows[i]![1], cells: rows[i]! };
}
