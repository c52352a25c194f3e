/**
 * Writes the analysis sheets into an .xlsx at the level of its zip parts: the input's own parts
 * (its sheets, charts, pivots, macros, anything) are copied untouched, and only the workbook, its
 * relationships, content types and styles are edited, through a DOM. exceljs cannot be used for
 * this: it drops existing charts when it re-saves and writes none (../shared/FACTS.md).
 *
 * Earlier analysis sheets (marked by a hidden workbook name, sheet-layout.ts) are rewritten in
 * place; a sheet of the same name that is not ours is never touched: the write is refused.
 */
import JSZip from 'jszip';
import { Document, Element } from '@xmldom/xmldom';
import { CT, NS_CT, NS_MAIN, NS_PKG_REL, NS_REL, Package, REL, WorkbookWriteError, addRel, child, children, parse, relativeTarget, relsPathOf, resolveTarget, serialise, setOverride } from './ooxml-package';
import { SheetLayout, SheetValue, CellFormat, a1, rangeA1, quoteSheet, keyOfMarkName, needsTextGuard, NUMBER_FORMATS, CellRange, sheetOfMarkReference, totalsFormula } from '../sheet-layout';
import { chartPartXml, drawingPartXml } from './chart-part';
import { sheetText, xmlText } from './xml-escape';
import { columnNumber } from '../workbook';

/** A new, empty workbook package for `report`: the analysis sheets are its only sheets. */
function emptyPackage(): JSZip {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="${NS_CT}"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${CT.workbook}"/><Override PartName="/xl/styles.xml" ContentType="${CT.styles}"/></Types>`);
  zip.file('_rels/.rels', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${NS_PKG_REL}"><Relationship Id="rId1" Type="${REL.officeDocument}" Target="xl/workbook.xml"/></Relationships>`);
  zip.file('xl/workbook.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><bookViews><workbookView/></bookViews><sheets/></workbook>`);
  zip.file('xl/_rels/workbook.xml.rels', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${NS_PKG_REL}"><Relationship Id="rId1" Type="${REL.styles}" Target="styles.xml"/></Relationships>`);
  zip.file('xl/styles.xml', MINIMAL_STYLES);
  return zip;
}

const MINIMAL_STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="${NS_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

type Role = 'body' | 'header' | 'total';
interface Styles {
  title: number;
  subtitle: number;
  caption: number;
  cell: (format: CellFormat, role: Role, guard?: boolean) => number;
}

/** Appends the fonts, fills, borders, number formats and cell formats the analysis sheets use. */
function addStyles(doc: Document): Styles {
  const root = doc.documentElement!;
  const section = (local: string, before: string[]): Element => {
    let el = child(root, local);
    if (!el) {
      el = doc.createElementNS(NS_MAIN, local);
      const next = before.map((b) => child(root, b)).find((x) => x !== undefined);
      root.insertBefore(el, next ?? null);
    }
    return el;
  };
  const ORDER = ['numFmts', 'fonts', 'fills', 'borders', 'cellStyleXfs', 'cellXfs', 'cellStyles', 'dxfs', 'tableStyles', 'colors', 'extLst'];
  const after = (local: string) => ORDER.slice(ORDER.indexOf(local) + 1);
  const append = (local: string, xml: string): number => {
    const sec = section(local, after(local));
    const el = parse(xml.replace(/^<(\w+)/, `<$1 xmlns="${NS_MAIN}"`), 'styles.xml').documentElement!;
    // An identical entry already there (ours from an earlier write, or the user's) is used again,
    // so writing the analysis again does not grow the styles part.
    const same = serialise(el as unknown as Document);
    const existing = children(sec, el.localName!).findIndex((e) => serialise(e as unknown as Document) === same);
    if (existing !== -1) return existing;
    sec.appendChild(doc.importNode(el, true));
    const n = children(sec, el.localName!).length;
    sec.setAttribute('count', String(n));
    return n - 1;
  };
  const numFmts = section('numFmts', after('numFmts'));
  const used = children(numFmts, 'numFmt').map((f) => Number(f.getAttribute('numFmtId')));
  let nextFmt = Math.max(163, ...used) + 1;
  const fmtId = (code: string): number => {
    const builtin: Record<string, number> = { General: 0, '#,##0': 3, '#,##0.00': 4, '@': 49 };
    if (code in builtin) return builtin[code]!;
    const existing = children(numFmts, 'numFmt').find((f) => f.getAttribute('formatCode') === code);
    if (existing) return Number(existing.getAttribute('numFmtId'));
    const id = nextFmt++;
    append('numFmts', `<numFmt numFmtId="${id}" formatCode="${xmlText(code)}"/>`);
    return id;
  };
  const font = (extra: string) => append('fonts', `<font>${extra}<scheme val="minor"/></font>`.replace('<scheme', '<name val="Calibri"/><family val="2"/><scheme'));
  const bold = font('<b/><sz val="11"/>');
  const titleFont = font('<b/><sz val="14"/><color rgb="FF1F3864"/>');
  const grey = font('<sz val="10"/><color rgb="FF595959"/>');
  const headerFill = append('fills', '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill>');
  const headerBorder = append('borders', '<border><left/><right/><top/><bottom style="thin"><color rgb="FF8EA9DB"/></bottom><diagonal/></border>');
  const totalBorder = append('borders', '<border><left/><right/><top style="thin"><color rgb="FF8EA9DB"/></top><bottom style="double"><color rgb="FF8EA9DB"/></bottom><diagonal/></border>');
  const xf = (numFmt: number, fontId: number, fillId: number, borderId: number, extra = '', inner = ''): number =>
    append('cellXfs', `<xf numFmtId="${numFmt}" fontId="${fontId}" fillId="${fillId}" borderId="${borderId}" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"${extra}>${inner}</xf>`);
  const cache = new Map<string, number>();
  const cell = (format: CellFormat, role: Role, guard = false): number => {
    const k = `${format}/${role}/${guard}`;
    let id = cache.get(k);
    if (id === undefined) {
      const num = role === 'header' ? 49 : fmtId(NUMBER_FORMATS[format]);
      const fontId = role === 'body' ? 0 : bold;
      const fillId = role === 'header' ? headerFill : 0;
      const borderId = role === 'header' ? headerBorder : role === 'total' ? totalBorder : 0;
      const align = role === 'header' ? '<alignment horizontal="center" vertical="center" wrapText="1"/>' : format === 'flag' ? '<alignment horizontal="center"/>' : '';
      const extra = (guard ? ' quotePrefix="1"' : '') + (align ? ' applyAlignment="1"' : '');
      id = xf(num, fontId, fillId, borderId, extra, align);
      cache.set(k, id);
    }
    return id;
  };
  const styles = { title: xf(0, titleFont, 0, 0), subtitle: xf(0, grey, 0, 0), caption: xf(0, bold, 0, 0), cell };
  // Create every style now, so the styles part is complete before any sheet is written.
  for (const f of Object.keys(NUMBER_FORMATS) as CellFormat[]) for (const r of ['body', 'header', 'total'] as Role[]) cell(f, r);
  cell('text', 'body', true);
  cell('text', 'total', true);
  if (children(numFmts, 'numFmt').length === 0) root.removeChild(numFmts);
  return styles;
}

function cellXml(row: number, col: number, v: SheetValue, style: number): string {
  const r = a1(row, col);
  if (v === null) return `<c r="${r}" s="${style}"/>`;
  if (typeof v === 'number') return Number.isFinite(v) ? `<c r="${r}" s="${style}"><v>${v}</v></c>` : `<c r="${r}" s="${style}"/>`;
  if (typeof v === 'object') return `<c r="${r}" s="${style}"><v>${v.date}</v></c>`;
  // Inline strings are never formulas, whatever they begin with (formula injection).
  return `<c r="${r}" s="${style}" t="inlineStr"><is><t xml:space="preserve">${sheetText(v)}</t></is></c>`;
}

function sheetXml(l: SheetLayout, s: Styles, rel: { drawing?: string; table: string }, sheetNames: ReadonlySet<string>): string {
  const rows = new Map<number, string[]>();
  const put = (row: number, xml: string) => {
    const list = rows.get(row) ?? [];
    list.push(xml);
    rows.set(row, list);
  };
  put(l.title.row, cellXml(l.title.row, l.title.col, l.title.text, s.title));
  put(l.subtitle.row, cellXml(l.subtitle.row, l.subtitle.col, l.subtitle.text, s.subtitle));
  if (l.note) put(l.note.row, cellXml(l.note.row, l.note.col, l.note.text, s.caption));
  l.columns.forEach((c, j) => put(l.headerRow, cellXml(l.headerRow, l.firstCol + j, c.label, s.cell('text', 'header'))));
  const textStyle = (v: SheetValue, format: CellFormat, role: Role) => s.cell(format, role, typeof v === 'string' && needsTextGuard(v));
  l.rows.forEach((r, i) => {
    const row = l.headerRow + 1 + i;
    l.columns.forEach((c, j) => {
      const v = r[j] ?? null;
      if (v !== null) put(row, cellXml(row, l.firstCol + j, v, textStyle(v, c.format, 'body')));
    });
  });
  if (l.totals) {
    const row = l.tableRange.lastRow;
    l.totals.forEach((t, j) => {
      const c = l.columns[j]!;
      const style = textStyle(t.value, t.kind === 'label' ? 'text' : c.format, 'total');
      if (t.kind === 'sum' || t.kind === 'ratio') {
        const f = totalsFormula(l, j);
        // A rate over a zero denominator is blank (IFERROR → ""), cached as an empty string.
        const cached = t.value === null ? `<v></v>` : `<v>${t.value}</v>`;
        put(row, `<c r="${a1(row, l.firstCol + j)}" s="${style}"${t.value === null ? ' t="str"' : ''}><f>${xmlText(f)}</f>${cached}</c>`);
      } else {
        put(row, cellXml(row, l.firstCol + j, t.value, style));
      }
    });
  }
  if (l.chartData) {
    const d = l.chartData;
    put(d.caption.row, cellXml(d.caption.row, d.caption.col, d.caption.text, s.caption));
    d.header.labels.forEach((h, k) => put(d.header.row, cellXml(d.header.row, d.header.col + k, h, s.cell('text', 'header'))));
    d.rows.forEach((r, i) => r.forEach((v, k) => put(d.header.row + 1 + i, cellXml(d.header.row + 1 + i, d.header.col + k, v, textStyle(v, d.formats[k]!, 'body')))));
  }
  const sheetData = [...rows.keys()]
    .sort((a, b) => a - b)
    .map((row) => {
      const cells = rows.get(row)!.sort((x, y) => cellCol(x) - cellCol(y));
      const height = row === l.title.row ? ' ht="24" customHeight="1"' : row === l.headerRow ? ' ht="30" customHeight="1"' : '';
      return `<row r="${row + 1}"${height}>${cells.join('')}</row>`;
    })
    .join('');
  const lastCol = Math.max(l.tableRange.lastCol, l.chart ? l.chart.anchor.col + l.chart.anchor.cols : 0, l.chartData ? l.chartData.header.col + l.chartData.header.labels.length - 1 : 0);
  const lastRow = Math.max(l.tableRange.lastRow, l.chartData ? l.chartData.header.row + l.chartData.rows.length : 0);
  const widths = new Map<number, number>(l.columns.map((c, j) => [l.firstCol + j, c.width]));
  // The chart's own data block, right of the table: its columns fitted too (no `###`).
  if (l.chartData) l.chartData.widths.forEach((w, k) => widths.set(l.chartData!.header.col + k, Math.max(w, widths.get(l.chartData!.header.col + k) ?? 0)));
  const cols = [...widths.entries()].sort((a, b) => a[0] - b[0]).map(([j, w]) => `<col min="${j + 1}" max="${j + 1}" width="${w}" customWidth="1"/>`).join('');
  // A finding's location jumps to its cell, where that sheet is in this workbook.
  const links = (l.links ?? []).filter((k) => sheetNames.has(k.sheet));
  const hyperlinks = links.length === 0 ? '' : `<hyperlinks>${links.map((k) => `<hyperlink ref="${a1(k.row, k.col)}" location="${xmlText(`${quoteSheet(k.sheet)}!${k.cell}`)}" display="${xmlText(`${k.sheet}!${k.cell}`)}"/>`).join('')}</hyperlinks>`;
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheetPr><tabColor rgb="FF2E75B6"/><pageSetUpPr fitToPage="1"/></sheetPr>` +
    `<dimension ref="${rangeA1({ row: 0, col: 0, lastRow, lastCol })}"/>` +
    `<sheetViews><sheetView workbookViewId="0"><pane ySplit="${l.frozenRows}" topLeftCell="${a1(l.frozenRows, 0)}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>${sheetData}</sheetData>${hyperlinks}` +
    `<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>` +
    `<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>` +
    (rel.drawing ? `<drawing r:id="${rel.drawing}"/>` : '') +
    `<tableParts count="1"><tablePart r:id="${rel.table}"/></tableParts></worksheet>`
  );
}

function cellCol(cellXmlText: string): number {
  return columnNumber(/r="([A-Z]+)/.exec(cellXmlText)![1]!);
}

function tableXml(l: SheetLayout, id: number): string {
  const ref = rangeA1(l.tableRange);
  const filter: CellRange = { ...l.tableRange, lastRow: l.tableRange.lastRow - (l.totals ? 1 : 0) };
  const cols = l.columns
    .map((c, j) => {
      const t = l.totals?.[j];
      const extra = t?.kind === 'label' ? ` totalsRowLabel="${xmlText(String(t.value ?? ''))}"` : t?.kind === 'sum' ? ' totalsRowFunction="sum"' : t?.kind === 'ratio' ? ' totalsRowFunction="custom"' : '';
      // A custom total keeps its formula in the table too (ISO/IEC 29500 CT_TableColumn).
      const inner = t?.kind === 'ratio' ? `<totalsRowFormula>${xmlText(totalsFormula(l, j))}</totalsRowFormula>` : '';
      return inner ? `<tableColumn id="${j + 1}" name="${xmlText(c.label)}"${extra}>${inner}</tableColumn>` : `<tableColumn id="${j + 1}" name="${xmlText(c.label)}"${extra}/>`;
    })
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<table xmlns="${NS_MAIN}" id="${id}" name="${l.tableName}" displayName="${l.tableName}" ref="${ref}"${l.totals ? ' totalsRowCount="1"' : ' totalsRowShown="0"'}>` +
    `<autoFilter ref="${rangeA1(filter)}"/><tableColumns count="${l.columns.length}">${cols}</tableColumns>` +
    `<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>`
  );
}

async function removeSheetParts(pkg: Package, types: Document, sheetPart: string): Promise<void> {
  const relsPart = relsPathOf(sheetPart);
  const rels = await pkg.doc(relsPart);
  if (rels) {
    for (const r of children(rels.documentElement!, 'Relationship')) {
      const target = resolveTarget(sheetPart, r.getAttribute('Target') ?? '');
      if (r.getAttribute('Type') === REL.drawing) {
        const drels = await pkg.doc(relsPathOf(target));
        for (const dr of drels ? children(drels.documentElement!, 'Relationship') : []) {
          const chart = resolveTarget(target, dr.getAttribute('Target') ?? '');
          pkg.remove(chart);
          pkg.remove(relsPathOf(chart));
          setOverride(types, chart, null);
        }
        pkg.remove(relsPathOf(target));
      }
      if (r.getAttribute('Type') === REL.drawing || r.getAttribute('Type') === REL.table) {
        pkg.remove(target);
        setOverride(types, target, null);
      }
    }
    pkg.remove(relsPart);
  }
}

/** Sheet `index` is gone: names scoped to it go, later sheets' scopes move up, the views stay in range. */
function forgetSheetIndex(wbRoot: Element, index: number, sheetsLeft: number): void {
  const names = child(wbRoot, 'definedNames');
  for (const n of names ? children(names, 'definedName') : []) {
    const scope = n.getAttribute('localSheetId');
    if (scope === null) continue;
    if (Number(scope) === index) names!.removeChild(n);
    else if (Number(scope) > index) n.setAttribute('localSheetId', String(Number(scope) - 1));
  }
  const views = child(wbRoot, 'bookViews');
  for (const v of views ? children(views, 'workbookView') : []) {
    for (const attr of ['activeTab', 'firstSheet']) {
      const at = v.getAttribute(attr);
      if (at !== null && Number(at) >= sheetsLeft) v.setAttribute(attr, '0');
    }
  }
}

function dropCalcChain(pkg: Package, types: Document, workbookPart: string, wbRels: Document): void {
  for (const r of children(wbRels.documentElement!, 'Relationship')) {
    if (!/\/calcChain$/.test(r.getAttribute('Type') ?? '')) continue;
    const target = resolveTarget(workbookPart, r.getAttribute('Target') ?? '');
    pkg.remove(target);
    setOverride(types, target, null);
    wbRels.documentElement!.removeChild(r);
  }
}

async function maxTableId(pkg: Package): Promise<number> {
  let max = 0;
  for (const name of Object.keys(pkg.zip.files).filter((n) => /^xl\/tables\/[^/]+\.xml$/.test(n))) {
    const m = /<table\b[^>]*\bid="(\d+)"/.exec(await pkg.zip.file(name)!.async('string'));
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/**
 * The input workbook (null for a new one) plus the analysis sheets. Throws WorkbookWriteError, with
 * nothing written, when the input cannot take them.
 */
export { WorkbookWriteError };

export async function writeAnalysisSheets(input: Uint8Array | null, layouts: SheetLayout[]): Promise<Uint8Array> {
  let zip: JSZip;
  try {
    zip = input ? await JSZip.loadAsync(input) : emptyPackage();
  } catch {
    throw new WorkbookWriteError({ zh: '该文件不是可读的 .xlsx 工作簿：请在 Excel 中另存为 .xlsx 后再试', en: 'the workbook is not a readable .xlsx file' });
  }
  const pkg = new Package(zip);
  const rootRels = await pkg.doc('_rels/.rels');
  const officeRel = rootRels && children(rootRels.documentElement!, 'Relationship').find((r) => r.getAttribute('Type') === REL.officeDocument);
  if (!officeRel) throw new WorkbookWriteError({ zh: '该文件缺少工作簿部分，不是完整的 .xlsx：请在 Excel 中另存为 .xlsx 后再试', en: 'the workbook has no workbook part' });
  const workbookPart = resolveTarget('', officeRel.getAttribute('Target')!);
  const workbook = (await pkg.doc(workbookPart))!;
  const types = (await pkg.doc('[Content_Types].xml'))!;
  const wbRels = await pkg.rels(workbookPart);
  const wbRoot = workbook.documentElement!;
  const sheetsEl = child(wbRoot, 'sheets');
  if (!sheetsEl) throw new WorkbookWriteError({ zh: `${workbookPart} 中没有工作表列表：请在 Excel 中另存为 .xlsx 后再试`, en: `${workbookPart} has no sheet list` });

  // Styles: the input's, extended; created when the input has none.
  let stylesRel = children(wbRels.documentElement!, 'Relationship').find((r) => r.getAttribute('Type') === REL.styles);
  if (!stylesRel) {
    addRel(wbRels, REL.styles, 'styles.xml');
    pkg.zip.file(resolveTarget(workbookPart, 'styles.xml'), MINIMAL_STYLES);
    setOverride(types, resolveTarget(workbookPart, 'styles.xml'), CT.styles);
    stylesRel = children(wbRels.documentElement!, 'Relationship').find((r) => r.getAttribute('Type') === REL.styles)!;
  }
  const stylesPart = resolveTarget(workbookPart, stylesRel.getAttribute('Target')!);
  const styles = addStyles((await pkg.doc(stylesPart))!);

  // Our earlier sheets, found by their marks; stale marks (sheet deleted by the user) are dropped.
  let names = child(wbRoot, 'definedNames');
  const ours = new Set<string>();
  const sheetEls = () => children(sheetsEl, 'sheet');
  for (const n of names ? children(names, 'definedName') : []) {
    if (keyOfMarkName(n.getAttribute('name') ?? '') === null) continue;
    const target = sheetOfMarkReference(n.textContent ?? '');
    if (target !== null && sheetEls().some((s) => s.getAttribute('name') === target)) ours.add(target);
    names!.removeChild(n);
  }
  for (const l of layouts) {
    if (sheetEls().some((s) => s.getAttribute('name') === l.name) && !ours.has(l.name)) {
      throw new WorkbookWriteError({ zh: `工作簿中已有一张名为“${l.name}”的表，它不是台账同步写入的：请给这张表改名，或写入另一个文件`, en: `the workbook already has a sheet "${l.name}" that ledger-sync did not write; rename that sheet, or write to another file` });
    }
  }
  const sheetRel = (s: Element) => {
    const id = s.getAttributeNS(NS_REL, 'id') ?? s.getAttribute('r:id');
    return children(wbRels.documentElement!, 'Relationship').find((r) => r.getAttribute('Id') === id);
  };
  const sheetRelTarget = (s: Element) => {
    const rel = sheetRel(s);
    return rel ? resolveTarget(workbookPart, rel.getAttribute('Target')!) : null;
  };

  // Our earlier sheets that this analysis does not rewrite (those of the other language, or of a
  // table no longer made) go, so the workbook holds one set of analysis sheets, never two.
  const rewritten = new Set(layouts.map((l) => l.name));
  for (const name of ours) {
    if (rewritten.has(name)) continue;
    const el = sheetEls().find((s) => s.getAttribute('name') === name)!;
    const index = sheetEls().indexOf(el);
    const part = sheetRelTarget(el);
    if (part) {
      await removeSheetParts(pkg, types, part);
      pkg.remove(part);
      setOverride(types, part, null);
    }
    const rel = sheetRel(el);
    if (rel) wbRels.documentElement!.removeChild(rel);
    sheetsEl.removeChild(el);
    forgetSheetIndex(wbRoot, index, sheetEls().length);
  }
  // Excel rebuilds its calculation chain; a stale one (cells of removed or rewritten sheets) makes it repair the file.
  dropCalcChain(pkg, types, workbookPart, wbRels);

  // Table names must be unique in the workbook: ours are replaced with their sheets.
  let tableId = await maxTableId(pkg);

  for (const l of layouts) {
    let sheetPart: string;
    const existing = sheetEls().find((s) => s.getAttribute('name') === l.name);
    if (existing && sheetRelTarget(existing)) {
      sheetPart = sheetRelTarget(existing)!;
      await removeSheetParts(pkg, types, sheetPart);
    } else {
      if (existing) sheetsEl.removeChild(existing);
      sheetPart = pkg.freeName(resolveTarget(workbookPart, 'worksheets/sheet'), '.xml');
      const relId = addRel(wbRels, REL.worksheet, relativeTarget(workbookPart, sheetPart));
      const sheetId = Math.max(0, ...sheetEls().map((s) => Number(s.getAttribute('sheetId')) || 0)) + 1;
      const el = workbook.createElementNS(NS_MAIN, 'sheet');
      el.setAttribute('name', l.name);
      el.setAttribute('sheetId', String(sheetId));
      el.setAttributeNS(NS_REL, 'r:id', relId);
      sheetsEl.appendChild(el);
      setOverride(types, sheetPart, CT.worksheet);
    }
    const sheetRels = await pkg.rels(sheetPart);
    const tablePart = pkg.freeName('xl/tables/table', '.xml');
    const tableRel = addRel(sheetRels, REL.table, relativeTarget(sheetPart, tablePart));
    pkg.zip.file(tablePart, tableXml(l, ++tableId));
    setOverride(types, tablePart, CT.table);
    let drawingRel: string | undefined;
    if (l.chart) {
      const drawingPart = pkg.freeName('xl/drawings/drawing', '.xml');
      const chartPart = pkg.freeName('xl/charts/chart', '.xml');
      drawingRel = addRel(sheetRels, REL.drawing, relativeTarget(sheetPart, drawingPart));
      const drawingRels = await pkg.rels(drawingPart);
      const chartRel = addRel(drawingRels, REL.chart, relativeTarget(drawingPart, chartPart));
      pkg.zip.file(drawingPart, drawingPartXml(l.chart, chartRel, l.chart.title));
      pkg.zip.file(chartPart, chartPartXml(l.chart, l.name));
      setOverride(types, drawingPart, CT.drawing);
      setOverride(types, chartPart, CT.chart);
    }
    pkg.zip.file(sheetPart, sheetXml(l, styles, { table: tableRel, drawing: drawingRel }, new Set(sheetEls().map((e) => e.getAttribute('name') ?? ''))));

    if (!names) {
      names = workbook.createElementNS(NS_MAIN, 'definedNames');
      // Schema order: … sheets, functionGroups, externalReferences, definedNames, calcPr …
      const anchor = child(wbRoot, 'externalReferences') ?? child(wbRoot, 'functionGroups') ?? sheetsEl;
      wbRoot.insertBefore(names, anchor.nextSibling);
    }
    const mark = workbook.createElementNS(NS_MAIN, 'definedName');
    mark.setAttribute('name', l.markName);
    mark.setAttribute('hidden', '1');
    mark.appendChild(workbook.createTextNode(`${quoteSheet(l.name)}!$A$1`));
    names.appendChild(mark);
  }
  if (names && children(names, 'definedName').length === 0) wbRoot.removeChild(names);
  pkg.flush();
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
