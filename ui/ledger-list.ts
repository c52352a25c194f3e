/// <reference lib="dom" />
/**
 * The ledgers found in a workbook, as the pane and the workbench show them: each sheet with its kind
 * (a dropdown), its header block, unit and footer, and per field the column it is read from. The
 * view only draws and reports choices; where a correction is kept is the caller's (Office settings,
 * or the workbook the workbench downloads).
 */
import { headerBlockAt } from '../shared/sheet-form';
import type { CheckResult } from '../shared/check';
import { SheetGrid, columnLetter } from '../shared/workbook';
import { LEDGERS, LEDGER_KINDS, LedgerKind } from '../shared/ledgers';
import type { PaneLang, Words } from '../shared/desk-words';

export interface LedgerListInput {
  lang: PaneLang;
  w: Words;
  /** Each sheet's name, row count, and its first rows (where a header block can be): all a view needs. */
  sheets: readonly { grid: SheetGrid; rowCount: number }[];
  checked: Pick<CheckResult, 'sheets' | 'findings'>;
  onKind(sheet: string, kind: LedgerKind | null): void;
  onHeaderRow(sheet: string, row: number): void;
  onColumn(sheet: string, field: string, letter: string | null): void;
}

export function renderLedgerList(list: HTMLElement, v: LedgerListInput): void {
  list.replaceChildren();
  for (const { grid: g, rowCount } of v.sheets) {
    const sheet = v.checked.sheets.find((s) => s.sheet === g.name);
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'sheet-name';
    name.textContent = g.name;
    const pick = document.createElement('select');
    pick.className = 'kind';
    pick.setAttribute('aria-label', g.name);
    for (const k of ['', ...LEDGER_KINDS]) {
      const o = document.createElement('option');
      o.value = k;
      o.textContent = k === '' ? v.w.notLedger : v.lang === 'zh' ? LEDGERS[k as LedgerKind].zh : k;
      o.selected = (sheet?.kind ?? '') === k;
      pick.append(o);
    }
    pick.onchange = () => v.onKind(g.name, pick.value === '' ? null : (pick.value as LedgerKind));
    const detail = document.createElement('div');
    detail.className = 'detail';
    if (sheet) {
      const mapping = Object.entries(sheet.mapping).map(([f, col]) => `${v.lang === 'zh' ? LEDGERS[sheet.kind].fields.find((x) => x.name === f)?.zh ?? f : f}→${col}`);
      const form = [v.w.headerRow(sheet.header_row, sheet.data_rows, sheet.header_rows), ...(sheet.money_unit ? [v.w.moneyUnit(sheet.money_unit)] : []), ...(sheet.footer_row ? [v.w.footer(sheet.footer_row)] : [])];
      detail.textContent = `${form.join(v.lang === 'zh' ? '，' : ', ')} · ${mapping.join(' ')}`;
    } else {
      // A sheet that looks like a ledger but was not read: what was found, what is missing (V10).
      const unread = v.checked.findings.find((f) => f.code === 'V10' && f.sheet === g.name);
      if (unread) {
        detail.textContent = unread.message;
        detail.classList.add('unread');
      }
    }
    li.append(name, pick, detail);
    if (sheet) li.append(columnChoices(v, g, rowCount, sheet.kind, sheet.header_row, sheet.mapping));
    list.append(li);
  }
}

/** A dropdown per field: which column holds it (the header row's cells), or none. */
function columnChoices(v: LedgerListInput, g: SheetGrid, rowCount: number, kind: LedgerKind, headerRow: number, mapping: Record<string, string>): HTMLElement {
  const box = document.createElement('details');
  box.className = 'columns';
  const head = document.createElement('summary');
  head.textContent = v.w.columns;
  box.append(head);
  const rowLabel = document.createElement('label');
  const rowSpan = document.createElement('span');
  rowSpan.textContent = v.w.headerRowLabel;
  const rowPick = document.createElement('select');
  rowPick.className = 'header-row';
  for (let r = 1; r <= Math.min(10, rowCount); r++) rowPick.append(new Option(String(r), String(r), false, r === headerRow));
  rowPick.onchange = () => v.onHeaderRow(g.name, Number(rowPick.value));
  rowLabel.append(rowSpan, rowPick);
  box.append(rowLabel);
  // A grouped header's columns by their own labels (the group's where a column has none).
  const headers = headerBlockAt(g, headerRow - 1).columns.map((c, i) => [columnLetter(i + 1), c.label || c.parent] as const);
  for (const f of LEDGERS[kind].fields) {
    const label = document.createElement('label');
    const span = document.createElement('span');
    span.textContent = `${v.lang === 'zh' ? f.zh : f.en}${f.required ? ' *' : ''}`;
    const sel = document.createElement('select');
    sel.dataset.field = f.name;
    for (const [value, text] of [['', v.w.noColumn] as const, ...headers.map(([l, h]) => [l, `${l} ${h}`] as const)]) {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = text;
      o.selected = (mapping[f.name] ?? '') === value;
      sel.append(o);
    }
    sel.onchange = () => v.onColumn(g.name, f.name, sel.value === '' ? null : sel.value);
    label.append(span, sel);
    box.append(label);
  }
  return box;
}
