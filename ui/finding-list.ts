/// <reference lib="dom" />
/** Findings grouped by sheet, each `cell code message`, as the pane and the workbench list them. */
import type { Finding, Summary } from '../shared/findings';
import type { Words } from '../shared/desk-words';

/** Findings drawn per sheet before a "show the others" button: 100,000 buttons would freeze the page. */
export const FINDINGS_SHOWN = 200;

export function summaryKind(s: Summary): 'error' | 'warning' | 'ok' {
  return s.error > 0 ? 'error' : s.warning > 0 ? 'warning' : 'ok';
}

/** `onPick` makes each finding with a cell a button that goes there (the pane selects it in Excel). */
export function renderFindingList(box: HTMLElement, findings: readonly Finding[], w: Words, onPick?: (f: Finding) => void): void {
  box.replaceChildren();
  const bySheet = new Map<string, Finding[]>();
  for (const x of findings) {
    const key = x.sheet ?? '';
    const list = bySheet.get(key);
    if (list) list.push(x);
    else bySheet.set(key, [x]);
  }
  for (const [sheet, list] of bySheet) {
    const group = document.createElement('details');
    group.open = true;
    const head = document.createElement('summary');
    head.textContent = `${sheet || w.title} (${list.length})`;
    group.append(head);
    const draw = (from: number, to: number) => {
      const part = document.createDocumentFragment();
      for (const x of list.slice(from, to)) part.append(findingItem(x, onPick));
      return part;
    };
    // The rest a page at a time, each click drawing the next FINDINGS_SHOWN.
    const more = (from: number): HTMLElement => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'more-findings';
      b.textContent = w.moreFindings(list.length - from);
      b.onclick = () => {
        const to = from + FINDINGS_SHOWN;
        const part = draw(from, to);
        if (to < list.length) part.append(more(to));
        b.replaceWith(part);
      };
      return b;
    };
    group.append(draw(0, FINDINGS_SHOWN));
    if (list.length > FINDINGS_SHOWN) group.append(more(FINDINGS_SHOWN));
    box.append(group);
  }
}

/** The cell a finding is shown at and goes to: a finding about a whole row, that row's first cell. */
export function findingCell(x: Finding): string | null {
  return x.sheet && x.row ? `${x.column ?? 'A'}${x.row}` : null;
}

function findingItem(x: Finding, onPick?: (f: Finding) => void): HTMLElement {
  const b = document.createElement(onPick ? 'button' : 'div');
  b.className = `finding ${x.severity}`;
  const cell = findingCell(x);
  b.textContent = `${cell ? `${x.sheet}!${cell}` : ''} ${x.code} ${x.message}`.trim();
  b.dataset.code = x.code;
  if (onPick && cell) b.onclick = () => onPick(x);
  return b;
}
