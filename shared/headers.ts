/** Header matching, header-row detection and ledger-kind recognition (ledgers.md). */
import { foldFullWidth } from './text';
import { LEDGERS, LEDGER_KINDS, LedgerKind } from './ledgers';
import { Cell, SheetGrid, columnNumber } from './workbook';
import { MoneyUnit } from './values';
import { HeaderBlock, HeaderColumn, cellText, headerBlockAt, titleText } from './sheet-form';

/** How many rows from the top may hold the header. */
export const HEADER_SCAN_ROWS = 10;

export interface NormalisedHeader {
  key: string;
  unit: MoneyUnit | null;
  /** When a bracketed note that is no unit was dropped (`指标名称（二级科目名称）`): the key with it kept. */
  whole?: string;
}

const UNIT_RE = /[(\[【]([^)\]】]*)[)\]】]$/;

/** `单价（元）` → key `单价`, unit `元`; spaces, line breaks and `*` dropped; English lower-cased. */
export function normaliseHeader(text: string): NormalisedHeader {
  let s = foldFullWidth(text).replace(/[\s*]+/g, '').toLowerCase();
  let unit: MoneyUnit | null = null;
  const m = UNIT_RE.exec(s);
  if (m) {
    const u = m[1]!;
    if (u === '元' || u === '万元') unit = u;
    else if (u !== '') return { key: s.slice(0, m.index), unit, whole: s.slice(0, m.index) + u };
    s = s.slice(0, m.index);
  }
  return { key: s, unit };
}

interface Synonym {
  key: string;
  fieldIndex: number;
  synIndex: number;
}

/** Per kind: every synonym, normalised; equality looks up the first field (table order) that lists it. */
const SYNONYMS: Record<LedgerKind, { equal: Map<string, Synonym>; contained: Synonym[] }> = Object.fromEntries(
  LEDGER_KINDS.map((kind) => {
    const equal = new Map<string, Synonym>();
    const contained: Synonym[] = [];
    LEDGERS[kind].fields.forEach((field, fieldIndex) =>
      field.synonyms.forEach((syn, synIndex) => {
        const hit = { key: normaliseHeader(syn).key, fieldIndex, synIndex };
        if (!equal.has(hit.key)) equal.set(hit.key, hit);
        // Only synonyms of 4 characters or more match by containment (layouts.md): 金额, 日期, 名称 never do.
        if ([...hit.key].length >= 4) contained.push(hit);
      }),
    );
    // Longer contained synonyms first, then table order: `采购项目名称` is an item name before a project.
    contained.sort((a, b) => [...b.key].length - [...a.key].length || a.fieldIndex - b.fieldIndex || a.synIndex - b.synIndex);
    return [kind, { equal, contained }];
  }),
) as Record<LedgerKind, { equal: Map<string, Synonym>; contained: Synonym[] }>;

/** Words that make a header another figure: such a header never takes a money field by containment. */
const OTHER_FIGURE = ['累计', '已付', '未付', '已执行', '剩余', '结余', '余额', '折旧', '净值', '残值', '调整', '不含税'];

interface ColumnHit extends Synonym {
  exact: boolean;
}

/** The one field a header names for a kind: equality first, then the longest contained synonym. */
function matchHeader(kind: LedgerKind, key: string): ColumnHit | null {
  const { equal, contained } = SYNONYMS[kind];
  const fields = LEDGERS[kind].fields;
  // A date header may end in 时间 where the synonym says 日期 (签订时间, 购置时间).
  const asDate = key.endsWith('时间') ? key.slice(0, -2) + '日期' : null;
  const exact = equal.get(key) ?? (asDate !== null ? dateOnly(equal.get(asDate)) : undefined);
  if (exact) return { ...exact, exact: true };
  const otherFigure = OTHER_FIGURE.some((w) => key.includes(w));
  for (const syn of contained) {
    const type = fields[syn.fieldIndex]!.type;
    if (type === 'money' && otherFigure) continue;
    if (key.includes(syn.key) || (asDate !== null && type === 'date' && asDate.includes(syn.key))) return { ...syn, exact: false };
  }
  return null;

  function dateOnly(hit: Synonym | undefined): Synonym | undefined {
    return hit && fields[hit.fieldIndex]!.type === 'date' ? hit : undefined;
  }
}

export interface ColumnMapping {
  /** 0-based column index (for a date split over 年/月/日: the 年 column). */
  col: number;
  header: string;
  unit: MoneyUnit | null;
  /** A date split over three columns: the 0-based columns of its month and day. */
  parts?: [number, number];
}

// Three neighbouring columns that together hold one date (layouts.md).
const SPLIT_DATE: readonly (readonly [string, string, string])[] = [['年', '月', '日'], ['年度', '月份', '日期'], ['年份', '月份', '日']];

export interface HeaderMatch {
  /** field name → its column. */
  fields: Map<string, ColumnMapping>;
  /** Header texts of the columns that map no field. */
  unmapped: string[];
}

/** Matches one row against one kind, with the precedence of ledgers.md and layouts.md. */
export function matchHeaderRow(kind: LedgerKind, row: ReadonlyArray<Cell> | undefined): HeaderMatch {
  return matchHeaderColumns(kind, Array.from(row ?? [], (c) => ({ label: cellText(c), parent: '' })));
}

/**
 * Matches a header block's columns against one kind: each column by its own label first, then by
 * its group's label joined to it (`价值` + `原值`), then by the group's label alone when it has none
 * of its own. A bracketed unit of the label, else of the group, is the column's unit.
 */
export function matchHeaderColumns(kind: LedgerKind, columns: readonly HeaderColumn[]): HeaderMatch {
  const best = new Map<number, { col: number; hit: ColumnHit; header: string; unit: MoneyUnit | null }>();
  const texts: string[] = [];
  for (let col = 0; col < columns.length; col++) {
    const { label, parent } = columns[col]!;
    const text = label || parent;
    texts[col] = text;
    if (!text) continue;
    const own = normaliseHeader(label);
    const group = parent ? normaliseHeader(parent) : null;
    let hit = label ? matchHeader(kind, own.key) : null;
    // A bracketed note may say what the column is (`指标名称（二级科目名称）`): read with it too.
    if (!hit && own.whole) hit = matchHeader(kind, own.whole);
    if (!hit && group && label) hit = matchHeader(kind, group.key + own.key);
    if (!hit && group && !label) hit = matchHeader(kind, group.key);
    if (!hit) continue;
    const unit = columnUnit(columns[col]!);
    const cur = best.get(hit.fieldIndex);
    // For one field: equality before containment, then the earlier synonym, then the leftmost column.
    const better = !cur || (hit.exact && !cur.hit.exact) || (hit.exact === cur.hit.exact && hit.synIndex < cur.hit.synIndex);
    if (better) best.set(hit.fieldIndex, { col, hit, header: text, unit });
  }
  const fields = new Map<string, ColumnMapping>();
  const used = new Set<number>();
  const split = splitDate(kind, columns, best);
  LEDGERS[kind].fields.forEach((field, i) => {
    if (split && split.field === i) {
      fields.set(field.name, { col: split.cols[0], header: split.header, unit: null, parts: [split.cols[1], split.cols[2]] });
      for (const c of split.cols) used.add(c);
      return;
    }
    const b = best.get(i);
    if (b && !(split && split.cols.includes(b.col))) {
      fields.set(field.name, { col: b.col, header: b.header, unit: b.unit });
      used.add(b.col);
    }
  });
  const unmapped = texts.filter((t, col) => t && !used.has(col));
  return { fields, unmapped };
}

/** A column's bracketed unit: its own label's, else its group's (`预算金额（万元）` over 合计). */
function columnUnit(h: HeaderColumn): MoneyUnit | null {
  return normaliseHeader(h.label).unit ?? (h.parent ? normaliseHeader(h.parent).unit : null);
}

/**
 * A date of the kind split over three neighbouring columns 年 / 月 / 日 (or 年度 / 月份 / 日期, the
 * last as the day): its field — the one their group names (签订日期 over 年|月|日), else the kind's
 * first date field without a column of its own.
 */
function splitDate(kind: LedgerKind, columns: readonly HeaderColumn[], best: Map<number, { col: number }>): { field: number; cols: [number, number, number]; header: string } | null {
  const fields = LEDGERS[kind].fields;
  const keys = columns.map((c) => normaliseHeader(c.label).key);
  for (let c = 0; c + 2 < columns.length; c++) {
    if (!SPLIT_DATE.some((t) => t[0] === keys[c] && t[1] === keys[c + 1] && t[2] === keys[c + 2])) continue;
    const parent = columns[c]!.parent;
    const named = parent ? matchHeader(kind, normaliseHeader(parent).key) : null;
    const field = named && fields[named.fieldIndex]!.type === 'date'
      ? named.fieldIndex
      : fields.findIndex((f, i) => f.type === 'date' && (!best.has(i) || [c, c + 1, c + 2].includes(best.get(i)!.col)));
    if (field < 0) continue;
    const parts = `${columns[c]!.label}/${columns[c + 1]!.label}/${columns[c + 2]!.label}`;
    const header = parent ? `${parent} ${parts}` : parts;
    return { field, cols: [c, c + 1, c + 2], header };
  }
  return null;
}

export interface SheetDetection {
  kind: LedgerKind;
  /** 0-based index of the header (block's first) row in the grid. */
  headerIndex: number;
  /** The header block: its height and each column's labels. */
  block: HeaderBlock;
  match: HeaderMatch;
  /** For a sheet of one event (a 维修单 without an event column): the event of every row. */
  event?: string;
}

// Words of a sheet's name or title that make it a sheet of one event (layouts.md).
const ONE_EVENT: [RegExp, string][] = [[/维修|报修/, 'repair'], [/调拨|调配|调剂/, 'reallocate'], [/报废|处置/, 'disposal'], [/盘点/, 'inventory'], [/入库|验收/, 'intake']];

/**
 * A sheet with asset ids and dates but no event column, whose name or title says which event it
 * records (维修单, 资产调拨表 …): an asset_event ledger of that one event.
 */
export function oneEventSheet(grid: SheetGrid, blocks: readonly HeaderBlock[]): SheetDetection | null {
  const top = bestBlock('asset_event', blocks);
  if (!top || !top.match.fields.has('asset_id') || !top.match.fields.has('date') || top.match.fields.has('event')) return null;
  const title = titleText(grid, top.headerIndex);
  const hit = ONE_EVENT.find(([re]) => re.test(title));
  return hit ? { ...top, event: hit[1] } : null;
}

/** The header blocks that may start in each of the first rows (layouts.md: blocks compete with single rows). */
export function candidateBlocks(grid: SheetGrid): HeaderBlock[] {
  const out: HeaderBlock[] = [];
  for (let r = 0; r < Math.min(HEADER_SCAN_ROWS, grid.rows.length); r++) out.push(headerBlockAt(grid, r));
  return out;
}

/** The sheet's ledger kind and header row, or null when no kind's key fields are found (I02). */
export function detectSheet(grid: SheetGrid): SheetDetection | null {
  const candidates: SheetDetection[] = [];
  const blocks = candidateBlocks(grid);
  // A repair sheet names its assets too: it is the events it records, not a register.
  const oneEvent = oneEventSheet(grid, blocks);
  if (oneEvent) return oneEvent;
  for (const kind of LEDGER_KINDS) {
    const top = bestBlock(kind, blocks);
    if (top && LEDGERS[kind].keyFields.every((k) => top.match.fields.has(k))) candidates.push(top);
  }
  if (candidates.length === 0) return null;
  const most = Math.max(...candidates.map((c) => c.match.fields.size));
  const tied = candidates.filter((c) => c.match.fields.size === most);
  if (tied.length === 1) return tied[0]!;
  // Sheet-name hints settle a tie; the longest hint found is the most specific (资产变动 over 资产).
  const name = foldFullWidth(grid.name).toLowerCase();
  const hintLength = (c: SheetDetection) =>
    Math.max(0, ...LEDGERS[c.kind].sheetHints.filter((h) => name.includes(h.toLowerCase())).map((h) => h.length));
  let winner = tied[0]!;
  for (const c of tied) if (hintLength(c) > hintLength(winner)) winner = c;
  return winner;
}

/** A kind's best header block: the most fields mapped, the upper block on a tie. */
export function bestBlock(kind: LedgerKind, blocks: readonly HeaderBlock[]): SheetDetection | null {
  let top: SheetDetection | null = null;
  for (const block of blocks) {
    const match = matchHeaderColumns(kind, block.columns);
    if (!top || match.fields.size > top.match.fields.size) top = { kind, headerIndex: block.index, block, match };
  }
  return top;
}

/**
 * The user's column corrections (the add-in's dropdowns) applied to a detection: a field moved to
 * another column (by letter), or (null) to none. A column maps one field: whichever field had it loses it.
 */
export function withColumnChoices(det: SheetDetection, choices: Record<string, string | null>): SheetDetection {
  const fields = new Map(det.match.fields);
  const header = det.block.columns;
  for (const [field, letter] of Object.entries(choices)) {
    if (!LEDGERS[det.kind].fields.some((f) => f.name === field)) continue;
    fields.delete(field);
    if (letter === null || !/^[A-Z]{1,3}$/.test(letter)) continue;
    const col = columnNumber(letter) - 1;
    for (const [other, m] of fields) if (m.col === col) fields.delete(other);
    const h = header[col];
    fields.set(field, { col, header: h ? h.label || h.parent : '', unit: h ? columnUnit(h) : null });
  }
  const used = new Set([...fields.values()].map((m) => m.col));
  const unmapped = header.map((h) => h.label || h.parent).filter((t, col) => t && !used.has(col));
  // Field order as the ledger lists them, as matchHeaderRow gives it.
  const ordered = new Map(LEDGERS[det.kind].fields.filter((f) => fields.has(f.name)).map((f) => [f.name, fields.get(f.name)!]));
  return { ...det, match: { fields: ordered, unmapped } };
}

/** The sheet read with its header in the row the user chose (0-based), as the kind chosen or the best-matching one there. */
export function detectSheetAtRow(grid: SheetGrid, headerIndex: number, kind?: LedgerKind): SheetDetection | null {
  let best: SheetDetection | null = null;
  const block = headerBlockAt(grid, headerIndex);
  for (const k of kind ? [kind] : LEDGER_KINDS) {
    const match = matchHeaderColumns(k, block.columns);
    if (match.fields.size > 0 && (!best || match.fields.size > best.match.fields.size)) best = { kind: k, headerIndex, block, match };
  }
  return best;
}

/** The sheet read as the kind the user chose (a correction in the add-in): its best header block for that kind. */
export function detectSheetAs(grid: SheetGrid, kind: LedgerKind): SheetDetection | null {
  const top = bestBlock(kind, candidateBlocks(grid));
  return top && top.match.fields.size > 0 ? top : null;
}

/** The first year 2000–2100 written as `2024年` in a title cell above the header. */
export function titleYear(grid: SheetGrid, headerIndex: number): number | null {
  for (let r = 0; r < headerIndex; r++) {
    for (const c of grid.rows[r] ?? []) {
      if (typeof c !== 'string') continue;
      // `2024年…` in a title, or a year line `预算年度：2024`.
      for (const m of foldFullWidth(c).matchAll(/(?<!\d)(\d{4})\s*年|年度\s*:\s*(\d{4})(?!\d)/g)) {
        const y = +(m[1] ?? m[2])!;
        if (y >= 2000 && y <= 2100) return y;
      }
    }
  }
  return null;
}

/** The unit named in a ledger's title row, before its year: `某某局2024年度政府采购计划表` → 某某局. */
export function titleUnit(grids: readonly SheetGrid[]): string | null {
  for (const g of grids) {
    for (const row of g.rows.slice(0, 3)) {
      for (const c of row ?? []) {
        if (typeof c !== 'string') continue;
        const m = /^\s*([^\s\d（(]{2,30}?)\s*(?:20\d{2}\s*年|财务|固定资产|政府采购)/.exec(foldFullWidth(c));
        if (m) return m[1]!;
      }
    }
  }
  return null;
}
