/// <reference lib="dom" />
/// <reference types="office-js" />
/**
 * The task pane: connect → ledgers found → validate → push → analysis, and the month's state.
 * Everything it knows about ledgers comes from shared/; everything it does to the workbook goes
 * through the one Office.js adapter (excel-adapter.ts).
 */
// First: what EdgeHTML lacks, before any module that uses it is evaluated.
import './legacy-polyfills';
import { checkWorkbook, CheckResult } from '../shared/check';
import { CellRange, readAllSheets, SheetGrid } from '../shared/workbook';
import { ReadError, readErrorMessage, refuseEmptyWorkbook } from '../shared/read/read-error';
import { preparePushes } from '../shared/push';
import { ApiRequestError, ClientOptions, apiRequest, pushLedger } from '../shared/api-client';
import { actorText, roleText } from '../shared/audit-text';
import type { AnalysisResponse, DiffResponse, FindingsResponse, PeriodStateResponse, SnapshotMeta } from '../shared/api';
import { changesLayout } from '../shared/month-end-tables';
import { LEDGERS, LedgerKind } from '../shared/ledgers';
import { renderLedgerList } from '../ui/ledger-list';
import { findingCell, renderFindingList, summaryKind } from '../ui/finding-list';
import { Analysis } from '../shared/analysis';
import type { Finding } from '../shared/findings';
import { layoutAnalysis } from '../shared/sheet-layout';
import { OfficeWorkbook, ExcelRun, documentFile } from './excel-adapter';
import { mergesOfPackage } from '../shared/read/package-merges';
import { browserHasher } from '../shared/browser-hasher';
import { PaneLang, Words, langOf, words } from '../shared/desk-words';
import { currentMonth, localTimestamp } from '../shared/dates';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface State {
  lang: PaneLang;
  w: Words;
  book: OfficeWorkbook;
  client: ClientOptions | null;
  role: string | null;
  grids: SheetGrid[];
  checked: CheckResult | null;
  kinds: Record<string, LedgerKind | null>;
  columns: Record<string, Record<string, string | null>>;
  headerRows: Record<string, number>;
  abort: AbortController | null;
  /** The month's state as last shown (null: none shown, e.g. a reviewer with all units picked). */
  month: PeriodStateResponse | null;
}

let S: State;

function show(id: string, on = true): void {
  $(id).hidden = !on;
}
function say(id: string, text: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  const el = $(id);
  el.textContent = text;
  el.className = `message ${kind}`;
  el.hidden = text === '';
}
const errorText = (e: unknown) => (e instanceof ApiRequestError ? e.message : (e as Error).message ?? String(e));

function settings(): { get: (k: string) => unknown; set: (k: string, v: unknown) => void; save: () => void } {
  const s = Office.context.document.settings;
  return { get: (k) => s.get(k), set: (k, v) => s.set(k, v), save: () => s.saveAsync() };
}

async function connect(): Promise<void> {
  const server = ($('server') as HTMLInputElement).value.trim() || location.origin;
  const token = ($('token') as HTMLInputElement).value.trim();
  const client = { server, token, retries: 1, lang: S.lang };
  say('connect-msg', S.w.busy);
  try {
    const me = await apiRequest<{ unit: string; role: string }>(client, 'GET', '/me');
    S.client = client;
    S.role = me.role;
    S.month = null;
    // The token stays with this user on this computer, never in the workbook (which is shared).
    localStorage.setItem('ledger-sync.server', server);
    localStorage.setItem('ledger-sync.token', token);
    if (me.role !== 'clerk') {
      // The reviewer's unit picker: every unit, or (empty) all of them at once.
      const { units } = await apiRequest<{ units: { code: string; name: string | null }[] }>(client, 'GET', '/units');
      const pick = $('unit') as HTMLSelectElement;
      pick.replaceChildren(new Option(S.w.allUnits, ''), ...units.map((u) => new Option(u.name ? `${u.code} ${u.name}` : u.code, u.code)));
      pick.onchange = () => void refreshMonth();
    }
    await defaultPeriod(client);
    say('connect-msg', S.w.connected(me.unit, roleText(me.role, S.lang)), 'ok');
    updateControls();
    await refreshMonth();
  } catch (e) {
    S.client = null;
    updateControls();
    const status = e instanceof ApiRequestError ? e.status : 0;
    if (tokenRefused(e)) return;
    say('connect-msg', status === 401 ? S.w.refused : status === 0 ? S.w.unreachable(server) : S.w.error(errorText(e)), 'error');
  }
}

/**
 * An empty period becomes the latest month the unit pushed ledgers for, else this month. A month
 * already in the box wins: typed by the clerk, or the workbook's as-of month when it was read
 * before connecting (recheck), which is the month about to be pushed. Nor does a month typed while
 * the answer was on its way get overwritten.
 */
async function defaultPeriod(client: ClientOptions): Promise<void> {
  const box = $('period') as HTMLInputElement;
  if (box.value) return;
  const unit = ($('unit') as HTMLSelectElement).value;
  let latest = '';
  try {
    const { snapshots } = await apiRequest<{ snapshots: SnapshotMeta[] }>(client, 'GET', `/snapshots${unit ? `?unit=${encodeURIComponent(unit)}` : ''}`);
    for (const x of snapshots) if (x.period > latest) latest = x.period;
  } catch (e) {
    // Without the list this month will do; a refused token is not the period's to report.
    if (e instanceof ApiRequestError && e.status === 401) throw e;
  }
  if (!box.value) box.value = latest || currentMonth();
}

/**
 * What needs the service, or the ledgers read, is disabled until then, with the reason beside it;
 * the reviewer's unit box and close button only while a reviewer is connected.
 */
function updateControls(): void {
  const needs = (button: string, why: string, reasons: string[]) => {
    ($(button) as HTMLButtonElement).disabled = reasons.length > 0;
    $(why).textContent = reasons.join(S.lang === 'zh' ? '' : ' ');
    $(why).hidden = reasons.length === 0;
  };
  const connected = S.client ? [] : [S.w.connectFirst];
  const read = !S.checked ? [S.w.readFirst] : S.checked.sheets.length === 0 ? [S.w.nothingToPush] : [];
  needs('push-btn', 'push-why', [...connected, ...read]);
  needs('analysis-btn', 'analysis-why', connected);
  needs('mark-btn', 'mark-why', S.checked ? [] : [S.w.readFirst]);
  // A push under way: pressed again, it would send the same ledgers twice.
  if (S.abort) ($('push-btn') as HTMLButtonElement).disabled = true;
  const reviewer = S.client !== null && S.role !== 'clerk';
  show('unit-row', reviewer);
  show('close-month', reviewer);
  const close = $('close-month') as HTMLButtonElement;
  close.disabled = !S.client || S.month === null;
  close.textContent = S.month?.status === 'closed' ? S.w.reopen : S.w.close;
}

/**
 * A token the service no longer takes (revoked, expired): its words — which and whom to ask — where
 * one connects, and the pane back to that step. True when it was that.
 */
function tokenRefused(e: unknown): boolean {
  if (!(e instanceof ApiRequestError) || e.status !== 401 || (e.code !== 'token_expired' && e.code !== 'token_revoked')) return false;
  // Answers still on their way were asked with the refused token: dropped.
  monthRequests++;
  S.client = null;
  S.role = null;
  S.month = null;
  localStorage.removeItem('ledger-sync.token');
  ($('token') as HTMLInputElement).value = '';
  updateControls();
  say('connect-msg', e.message, 'error');
  $('connect-msg').scrollIntoView();
  return true;
}

/** Reads every sheet and validates: the first read, and again after the workbook was changed. */
async function scan(msg = 'ledgers-msg'): Promise<void> {
  say(msg, S.w.busy);
  try {
    S.grids = await readAllSheets(S.book);
    refuseEmptyWorkbook(S.grids);
    recheck();
    say(msg, '');
  } catch (e) {
    // The same words as the CLI and the workbench; the open workbook stands for the file.
    const text = e instanceof ReadError ? readErrorMessage(e, S.lang === 'zh' ? '当前工作簿' : 'this workbook', S.lang) : S.w.error(errorText(e));
    say(msg, text, 'error');
  }
}

function recheck(): void {
  const period = ($('period') as HTMLInputElement).value || undefined;
  S.checked = checkWorkbook(S.grids, { lang: S.lang, asOf: period, kinds: S.kinds, columns: S.columns, headerRows: S.headerRows });
  if (!($('period') as HTMLInputElement).value) ($('period') as HTMLInputElement).value = S.checked.as_of.slice(0, 7);
  renderLedgers();
  renderFindings();
  updateControls();
}

function renderLedgers(): void {
  const keep = () => {
    // Corrections are the workbook's own: kept in its settings, so they come back with it.
    const st = settings();
    st.set('ledger-sync.kinds', S.kinds);
    st.set('ledger-sync.headerRows', S.headerRows);
    st.set('ledger-sync.columns', S.columns);
    st.save();
    recheck();
  };
  renderLedgerList($('ledger-list'), {
    lang: S.lang,
    w: S.w,
    sheets: S.grids.map((grid) => ({ grid, rowCount: grid.rows.length })),
    checked: S.checked!,
    onKind: (sheet, kind) => {
      S.kinds[sheet] = kind;
      keep();
    },
    onHeaderRow: (sheet, row) => {
      S.headerRows[sheet] = row;
      delete S.columns[sheet]; // columns are letters of that row: chosen again below it
      keep();
    },
    onColumn: (sheet, field, letter) => {
      (S.columns[sheet] ??= {})[field] = letter;
      keep();
    },
  });
}

function renderFindings(): void {
  const s = S.checked!.summary;
  say('findings-summary', S.w.findingsSummary(s.error, s.warning, s.info), summaryKind(s) === 'ok' ? 'ok' : 'error');
  renderFindingList($('findings'), S.checked!.findings, S.w, (x) => void goTo(x, 'findings-msg'));
}

/** Selects a finding's cell in Excel; a sheet the open workbook lacks (the service's findings name any pushed sheet) is said in `msg`. */
async function goTo(x: Finding, msg: string): Promise<void> {
  try {
    if (!(await S.book.sheetNames()).includes(x.sheet!)) return say(msg, S.w.sheetNotInBook(x.sheet!), 'error');
    await S.book.select(x.sheet!, findingCell(x)!);
    say(msg, '');
  } catch (e) {
    say(msg, S.w.error(errorText(e)), 'error');
  }
}

async function markAll(): Promise<void> {
  const cells = S.checked!.findings.filter((f) => f.sheet && f.row && f.column).map((f) => ({ sheet: f.sheet!, address: `${f.column}${f.row}`, message: `${f.code} ${f.message}` }));
  await S.book.markCells(cells);
  // The cells given a message are remembered with the workbook, so that they can be cleared after it is reopened.
  const st = settings();
  st.set('ledger-sync.prompted', S.book.prompted);
  st.save();
  say('mark-msg', S.w.marked(cells.length), 'ok');
}

async function clearMarks(): Promise<void> {
  const st = settings();
  const prompted = (st.get('ledger-sync.prompted') as { sheet: string; address: string }[] | null) ?? S.book.prompted;
  const n = await S.book.clearMarks(prompted);
  st.set('ledger-sync.prompted', []);
  st.save();
  say('mark-msg', S.w.cleared(n), 'ok');
}

async function push(): Promise<void> {
  if (!S.client || !S.checked) return;
  const period = ($('period') as HTMLInputElement).value;
  recheck();
  const pushes = preparePushes(S.grids, S.checked, { period, workbook: 'workbook.xlsx', hasher: browserHasher });
  const total = pushes.reduce((n, p) => n + p.rows.length, 0) || 1;
  let before = 0;
  S.abort = new AbortController();
  show('cancel', true);
  updateControls();
  const bar = $('progress') as HTMLProgressElement;
  const out: string[] = [];
  try {
    for (const p of pushes) {
      const r = await pushLedger({ ...S.client, signal: S.abort.signal }, p, (pr) => (bar.value = Math.floor(((before + pr.sent) / total) * 100)));
      before += p.rows.length;
      out.push(`${S.w.pushed(S.lang === 'zh' ? LEDGERS[p.open.kind].zh : p.open.kind, r.snapshot_id, r.unchanged)} · ${S.w.findingsSummary(r.findings_summary.error, r.findings_summary.warning, r.findings_summary.info)}`);
    }
    bar.value = 100;
    say('push-msg', out.join('\n'), 'ok');
    // The month's state and the service's findings (its reconciliation) as they are after this push.
    await refreshMonth();
  } catch (e) {
    if (tokenRefused(e)) return say('push-msg', '');
    say('push-msg', e instanceof ApiRequestError && e.code === 'cancelled' ? S.w.cancelled : S.w.error(errorText(e)), 'error');
  } finally {
    show('cancel', false);
    S.abort = null;
    updateControls();
  }
}

async function writeAnalysis(): Promise<void> {
  if (!S.client) return;
  const period = ($('period') as HTMLInputElement).value;
  const unit = ($('unit') as HTMLSelectElement).value;
  say('analysis-msg', S.w.busy);
  try {
    const q = new URLSearchParams({ period, lang: S.lang, ...(unit ? { unit } : {}) });
    const a = await apiRequest<AnalysisResponse>(S.client, 'GET', `/analysis?${q}`);
    const generatedAt = localTimestamp(new Date());
    const layouts = layoutAnalysis(a as unknown as Analysis, { unit: a.unit_name ?? a.unit, period, asOf: a.as_of, generatedAt, lang: S.lang });
    // One unit's analysis comes with what changed since last month (本月变动).
    if (a.unit !== '*') {
      const d = await apiRequest<DiffResponse>(S.client, 'GET', `/periods/${period}/diff?${new URLSearchParams({ unit: a.unit })}`);
      layouts.push(changesLayout(d, a.unit_name ?? a.unit, S.lang, generatedAt));
    }
    await S.book.writeLayouts(layouts);
    say('analysis-msg', S.w.written(layouts.length), 'ok');
  } catch (e) {
    if (tokenRefused(e)) return say('analysis-msg', '');
    say('analysis-msg', S.w.error(errorText(e)), 'error');
  }
}

/** Requests for the month's state and findings: an answer older than the latest is dropped. */
let monthRequests = 0;

/** The month's state and the service's findings for it (validation and reconciliation), one request each. */
async function refreshMonth(): Promise<void> {
  if (!S.client) return;
  // A slow answer for the month or unit shown before must not overwrite the one chosen since.
  const mine = ++monthRequests;
  // Until the answer, the state shown is of another month: close/reopen wait for this one's.
  S.month = null;
  updateControls();
  const period = ($('period') as HTMLInputElement).value;
  const unit = ($('unit') as HTMLSelectElement).value;
  if (!period || (!unit && S.role !== 'clerk')) {
    showMonth(null, null);
    return;
  }
  const q = new URLSearchParams({ period, lang: S.lang, ...(unit ? { unit } : {}) });
  try {
    const [state, found] = await Promise.all([
      apiRequest<PeriodStateResponse>(S.client, 'GET', `/periods/${period}${unit ? `?unit=${encodeURIComponent(unit)}` : ''}`),
      apiRequest<FindingsResponse>(S.client, 'GET', `/findings?${q}`),
    ]);
    if (mine !== monthRequests) return;
    showMonth(state, found, unit);
  } catch (e) {
    if (mine !== monthRequests) return;
    if (tokenRefused(e)) return showMonth(null, null);
    showMonth(null, null);
    say('month-msg', S.w.error(errorText(e)), 'error');
  }
}

function showMonth(s: PeriodStateResponse | null, found: FindingsResponse | null, unit = ''): void {
  S.month = s;
  updateControls();
  if (!s) say('month-msg', '');
  else {
    // On the desk's clock, as the workbench says it.
    const at = s.changed_at ? localTimestamp(new Date(s.changed_at)) : '';
    const sum = s.findings_summary;
    say('month-msg', `${S.w.month}${S.lang === 'zh' ? '：' : ': '}${s.status === 'closed' ? S.w.closed(actorText(s.changed_by ?? '', S.lang), at) : S.w.open} · ${S.w.findingsSummary(sum.error, sum.warning, sum.info)}`, sum.error > 0 ? 'error' : s.status === 'closed' ? 'info' : 'ok');
  }
  show('server-box', found !== null);
  say('server-msg', '');
  if (!found) return $('server-findings').replaceChildren();
  const sum = found.summary;
  say('server-summary', found.findings.length ? S.w.findingsSummary(sum.error, sum.warning, sum.info) : S.w.noFindings, sum.error > 0 ? 'error' : 'ok');
  renderFindingList($('server-findings'), found.findings, S.w, (x) => void goTo(x, 'server-msg'));
  // The month and unit the list is of: what the tests can wait for.
  $('server-box').dataset.shown = `${found.period} ${unit}`.trim();
}

/** A closed month is reopened, an open one closed: a reopen always asks why, a close when the service refuses it for errors. */
async function closeOrReopen(): Promise<void> {
  if (!S.client) return;
  const client = S.client;
  const period = ($('period') as HTMLInputElement).value;
  const unit = ($('unit') as HTMLSelectElement).value;
  if (!unit) return say('close-msg', S.w.pickUnit, 'error');
  const reopen = S.month?.status === 'closed';
  const post = (action: 'close' | 'reopen', body: object) => apiRequest(client, 'POST', `/periods/${period}/${action}`, JSON.stringify({ unit, ...body }));
  say('close-msg', '');
  // The month's state is unknown until the service answers: the button waits (no second close).
  S.month = null;
  updateControls();
  try {
    if (reopen) {
      const reason = await askReason(S.w.reopenReason);
      if (reason === null) return;
      await post('reopen', { reason });
      say('close-msg', S.w.reopenedOk(unit, period), 'ok');
    } else {
      try {
        await post('close', {});
      } catch (e) {
        if (!(e instanceof ApiRequestError && e.code === 'period_has_errors')) throw e;
        const override = await askReason(S.w.overridePrompt);
        if (override === null) return;
        await post('close', { override });
      }
      say('close-msg', S.w.closedOk(unit, period), 'ok');
    }
  } catch (e) {
    if (!tokenRefused(e)) say('close-msg', S.w.error(errorText(e)), 'error');
  } finally {
    await refreshMonth();
  }
}

/**
 * A reason asked in the pane's own modal — EdgeHTML has no <dialog>, and Office's hosts do not show
 * window.prompt: the text, or null when cancelled (Cancel or Escape). An empty reason is refused there.
 */
function askReason(label: string): Promise<string | null> {
  const text = $('reason') as HTMLTextAreaElement;
  const ok = $('reason-ok');
  const cancel = $('reason-cancel');
  const back = document.activeElement as HTMLElement | null;
  $('reason-label').textContent = label;
  text.value = '';
  say('reason-msg', '');
  show('reason-overlay', true);
  text.focus();
  return new Promise((resolve) => {
    // On the document, not the dialog: a click on the backdrop takes the focus out of it.
    const onKey = (e: KeyboardEvent) => {
      // EdgeHTML names the key 'Esc'.
      // Escape while composing Chinese (IME) cancels the composition, not the dialog.
      if (e.isComposing || e.keyCode === 229) return;
      if (e.key === 'Escape' || e.key === 'Esc') {
        e.preventDefault();
        done(null);
      } else if (e.key === 'Tab') {
        // Focus stays in the dialog: the page behind it is not for now.
        const order = [text, cancel, ok];
        const at = order.indexOf(document.activeElement as HTMLElement);
        e.preventDefault();
        order[(at + (e.shiftKey ? order.length - 1 : 1)) % order.length]!.focus();
      }
    };
    const done = (answer: string | null) => {
      document.removeEventListener('keydown', onKey);
      show('reason-overlay', false);
      if (back) back.focus();
      resolve(answer);
    };
    document.addEventListener('keydown', onKey);
    cancel.onclick = () => done(null);
    text.oninput = () => say('reason-msg', '');
    ok.onclick = () => {
      const reason = text.value.trim();
      if (reason) return done(reason);
      say('reason-msg', S.w.reasonNeeded, 'error');
      text.focus();
    };
  });
}

function wire(): void {
  const w = S.w;
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-w]'))) {
    const v = w[el.dataset.w as keyof Words];
    if (typeof v === 'string') el.textContent = v;
  }
  ($('server') as HTMLInputElement).value = localStorage.getItem('ledger-sync.server') ?? location.origin;
  ($('token') as HTMLInputElement).value = localStorage.getItem('ledger-sync.token') ?? '';
  $('connect-btn').onclick = () => void connect();
  $('scan-btn').onclick = () => void scan();
  $('revalidate-btn').onclick = () => void scan('findings-msg');
  $('mark-btn').onclick = () => void markAll();
  $('clear-btn').onclick = () => void clearMarks();
  $('push-btn').onclick = () => void push();
  $('cancel').onclick = () => S.abort?.abort();
  $('analysis-btn').onclick = () => void writeAnalysis();
  $('close-month').onclick = () => void closeOrReopen();
  $('period').onchange = () => {
    if (S.grids.length) recheck();
    void refreshMonth();
  };
  updateControls();
  show('app', true);
}

/** Office.onReady, or the plain statement that this is not Excel (a browser) — never a hang. */
function start(): void {
  const notExcel = (lang: PaneLang) => {
    say('status', words(lang).notInExcel, 'error');
  };
  const lang0 = langOf(navigator.language);
  if (typeof Office === 'undefined') return notExcel(lang0);
  const timer = setTimeout(() => notExcel(lang0), 5000);
  void Office.onReady((info) => {
    clearTimeout(timer);
    if (info.host !== Office.HostType.Excel) return notExcel(lang0);
    const lang = langOf(Office.context.displayLanguage);
    if (!Office.context.requirements.isSetSupported('ExcelApi', '1.7')) {
      say('status', words(lang).needApi, 'error');
      return;
    }
    const rangeAreas = Office.context.requirements.isSetSupported('ExcelApi', '1.9');
    const mergedAreas = Office.context.requirements.isSetSupported('ExcelApi', '1.13');
    // Excel 2016/2019 cannot say where merges are: the workbook's own file can (docs/decisions.md).
    // Where it cannot be had either, merged cells other than the top-left read empty, as before.
    const fileMerges = () => documentFile().then((bytes) => mergesOfPackage(bytes)).catch(() => new Map<string, CellRange[]>());
    S = {
      lang,
      w: words(lang),
      book: new OfficeWorkbook(Excel.run as unknown as ExcelRun, { rangeAreas, mergedAreas, fileMerges: mergedAreas ? undefined : fileMerges }),
      client: null,
      role: null,
      grids: [],
      checked: null,
      kinds: (settings().get('ledger-sync.kinds') as Record<string, LedgerKind | null> | null) ?? {},
      columns: (settings().get('ledger-sync.columns') as Record<string, Record<string, string | null>> | null) ?? {},
      headerRows: (settings().get('ledger-sync.headerRows') as Record<string, number> | null) ?? {},
      abort: null,
      month: null,
    };
    say('status', '');
    wire();
  });
}

start();
