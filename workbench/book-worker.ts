/// <reference lib="webworker" />
/**
 * The workbench's reading, checking and writing, off the page's main thread: a 100,000-row
 * workbook is read and checked here while the page stays responsive and shows progress. The same
 * reader, core and writer as the CLI (shared/read, shared/month-run, shared/write).
 */
import { openWorkbook, WorkbookFile } from '../shared/read/workbook-file';
import { ReadError, readErrorMessage, refuseEmptyWorkbook } from '../shared/read/read-error';
import { SheetGrid } from '../shared/workbook';
import { runBookMonth } from '../shared/month-run';
import { SaidError } from '../shared/said-error';
import { Corrections, corrections, correctionsOfSettings, hasCorrections, mapOfCorrections, settingsOfCorrections } from '../shared/corrections';
import { preparePushes } from '../shared/push';
import { browserHasher } from '../shared/browser-hasher';
import { layoutAnalysis } from '../shared/sheet-layout';
import { titleUnit } from '../shared/headers';
import { localTimestamp } from '../shared/dates';
import { writeAnalysisSheets } from '../shared/write/analysis-sheets';
import { withPaneSettings } from '../shared/write/pane-settings';
import { Lang } from '../shared/findings';
import type { Analysis } from '../shared/analysis';
import { changesLayout } from '../shared/month-end-tables';
import type { FromWorker, ToWorker, CheckedView } from './worker-protocol';

/** Rows of a sheet the page gets for its dropdowns: a header block sits within the first ten rows. */
const HEAD_ROWS = 14;

let book: WorkbookFile | null = null;
let grids: SheetGrid[] = [];
let last: { corrections: Corrections; period?: string; lang: Lang } = { corrections: {}, lang: 'zh' };

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m, transfer);

function run(corrections: Corrections, period: string | undefined, lang: Lang) {
  last = { corrections, period, lang };
  return runBookMonth(grids, { lang, asOf: period, ...corrections });
}

function view(r: ReturnType<typeof run>): CheckedView {
  const { as_of, sheets, findings, summary } = r.result;
  return { as_of, sheets, findings, summary, charts: r.analysis.charts.length };
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.t) {
    case 'open': {
      const t0 = Date.now();
      book = null;
      grids = [];
      post({ t: 'progress', text: { stage: 'reading' }, fraction: 0.02 });
      const b = await openWorkbook(new Uint8Array(m.bytes), m.name);
      const names = b.sheets.map((s) => s.name);
      const read: SheetGrid[] = [];
      for (const [i, name] of names.entries()) {
        post({ t: 'progress', text: { stage: 'sheet', sheet: name, i: i + 1, n: names.length }, fraction: 0.05 + (0.75 * i) / Math.max(names.length, 1) });
        const g = await b.readSheet(name);
        if (g) read.push(g);
      }
      refuseEmptyWorkbook(read);
      book = b;
      grids = read;
      post({ t: 'progress', text: { stage: 'checking' }, fraction: 0.85 });
      // Corrections saved in the workbook (by the pane or this workbench) apply where they still fit.
      const stored = corrections(correctionsOfSettings(b.settings), grids, false);
      const r = run(stored, undefined, m.lang);
      post({
        t: 'opened',
        format: b.format,
        ms: Date.now() - t0,
        rows: grids.reduce((n, g) => n + g.rows.length, 0),
        sheets: grids.map((g) => ({ grid: { ...g, rows: g.rows.slice(0, HEAD_ROWS), formats: undefined }, rowCount: g.rows.length })),
        corrections: stored,
        checked: view(r),
      });
      return;
    }
    case 'check':
      post({ t: 'checked', checked: view(run(m.corrections, m.period, m.lang)) });
      return;
    case 'prepare': {
      const r = run(m.corrections, m.period, m.lang);
      const pushes = preparePushes(grids, r.result, { period: m.period, workbook: m.workbook, hasher: browserHasher });
      post({ t: 'prepared', pushes });
      return;
    }
    case 'analysis': {
      const r = run(m.corrections, m.period, m.lang);
      if (r.result.sheets.every((s) => s.kind === undefined)) {
        post({ t: 'refused', text: { stage: 'noLedger' } });
        return;
      }
      const now = localTimestamp(new Date(m.now));
      const unit = titleUnit(grids) ?? m.fileName.replace(/\.[^.]+$/, '');
      const layouts = layoutAnalysis(r.analysis, { unit, period: r.result.as_of.slice(0, 7), asOf: r.result.as_of, generatedAt: now, lang: m.lang });
      // Another format becomes a new .xlsx: its sheets as read, then the analysis sheets (as analyze --out).
      const ooxml = book!.format === 'xlsx' || book!.format === 'xlsm';
      let base: Uint8Array;
      if (ooxml) base = book!.bytes;
      else {
        const { ledgerSheetsXlsx } = await import('../shared/write/ledger-sheets');
        base = ledgerSheetsXlsx(grids);
      }
      const written = await writeAnalysisSheets(base, layouts);
      const withCorrections = hasCorrections(m.corrections) ? await withPaneSettings(written, settingsOfCorrections(m.corrections)) : written;
      const stem = m.fileName.replace(/\.[^.]+$/, '');
      const name = `${stem}${m.lang === 'zh' ? '-分析' : '-analysis'}${book!.format === 'xlsm' ? '.xlsm' : '.xlsx'}`;
      post({ t: 'file', purpose: 'analysis', name, bytes: withCorrections.buffer as ArrayBuffer, sheets: layouts.length, charts: layouts.filter((l) => l.chart).length }, [withCorrections.buffer as ArrayBuffer]);
      return;
    }
    case 'report':
      return report(m);
    case 'corrections': {
      const stem = m.fileName.replace(/\.[^.]+$/, '');
      if (book && (book.format === 'xlsx' || book.format === 'xlsm')) {
        const out = await withPaneSettings(book.bytes, settingsOfCorrections(m.corrections));
        post({ t: 'file', purpose: 'corrections', name: m.fileName, bytes: out.buffer as ArrayBuffer }, [out.buffer as ArrayBuffer]);
      } else {
        const text = JSON.stringify(mapOfCorrections(m.corrections), null, 2) + '\n';
        const bytes = new TextEncoder().encode(text);
        post({ t: 'file', purpose: 'map', name: `${stem}.map.json`, bytes: bytes.buffer as ArrayBuffer }, [bytes.buffer as ArrayBuffer]);
      }
      return;
    }
  }
}

/** A unit's or every unit's analysis from the service, written as `report --out` writes it. */
async function report(m: Extract<ToWorker, { t: 'report' }>): Promise<void> {
  const a = m.analysis;
  const generatedAt = localTimestamp(new Date(m.now));
  const layouts = layoutAnalysis(a as unknown as Analysis, { unit: a.unit_name ?? a.unit, period: m.period, asOf: a.as_of, generatedAt, lang: m.lang });
  const sheets = m.diff ? [...layouts, changesLayout(m.diff, a.unit_name ?? a.unit, m.lang, generatedAt)] : layouts;
  const out = await writeAnalysisSheets(null, sheets);
  const who = a.unit === '*' ? (m.lang === 'zh' ? '全部单位' : 'all-units') : a.unit;
  post({ t: 'file', purpose: 'report', name: `${who}-${m.period}${m.lang === 'zh' ? '-汇总' : '-report'}.xlsx`, bytes: out.buffer as ArrayBuffer, sheets: layouts.length, charts: layouts.filter((l) => l.chart).length }, [out.buffer as ArrayBuffer]);
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  handle(m).catch((err: unknown) => {
    const lang = 'lang' in m ? m.lang : last.lang;
    const file = 'name' in m ? m.name : 'fileName' in m ? m.fileName : '';
    // The same one line as the CLI: a read refusal, a bad option, a workbook that cannot take the sheets.
    const text = err instanceof ReadError ? readErrorMessage(err, file, lang)
      : err instanceof SaidError ? err.text(lang)
      : `${(err as Error)?.message ?? String(err)}`;
    post({ t: 'failed', message: text, request: m.t });
  });
};
