/// <reference lib="dom" />
/**
 * The web workbench, served by the service at /: the pane's work for every desk without it (WPS,
 * Office 2016, Linux desktops, any browser). The workbook is read, checked and analysed in the
 * browser by a worker running the same reader, core and writer as the CLI; nothing leaves the
 * computer before the clerk pushes. Reviewers also get the board of units, close/reopen, the audit
 * trail and the all-units report.
 */
import { ApiRequestError, ClientOptions, apiRequest, pushLedger } from '../shared/api-client';
import type { AnalysisResponse, AuditResponse, BoardResponse, DiffResponse, PeriodStateResponse } from '../shared/api';
import { Corrections, hasCorrections } from '../shared/corrections';
import { LEDGERS, LedgerKind } from '../shared/ledgers';
import { PaneLang, Words, langOf, words } from '../shared/desk-words';
import { currentMonth, localTimestamp } from '../shared/dates';
import { actorText, auditSentence } from '../shared/audit-text';
import { renderLedgerList } from '../ui/ledger-list';
import { renderFindingList, summaryKind } from '../ui/finding-list';
import type { CheckedView, FromWorker, Stage, ToWorker } from './worker-protocol';
import type { SheetGrid } from '../shared/workbook';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const TOKEN_KEY = 'ledger-sync.token';

const lang: PaneLang = langOf(navigator.languages?.[0] ?? navigator.language);
const w: Words = words(lang);

const S = {
  client: null as ClientOptions | null,
  role: null as string | null,
  unit: null as string | null,
  fileName: '',
  sheets: [] as { grid: SheetGrid; rowCount: number }[],
  corrections: { kinds: {}, headerRows: {}, columns: {} } as Required<Corrections>,
  checked: null as CheckedView | null,
  abort: null as AbortController | null,
};

function show(id: string, on = true): void {
  $(id).hidden = !on;
}
function say(id: string, text: string, kind: 'info' | 'error' | 'ok' | 'warning' = 'info'): void {
  const el = $(id);
  el.textContent = text;
  el.className = `message ${kind}`;
  el.hidden = text === '';
}
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

// ---- the worker: one request at a time, progress on the side ----------------------------------

let worker: Worker | null = null;
let queue: Promise<void> = Promise.resolve();
let pending: { resolve: (m: FromWorker) => void; progress?: (m: Extract<FromWorker, { t: 'progress' }>) => void } | null = null;

function ask(m: ToWorker, transfer: Transferable[] = [], progress?: (m: Extract<FromWorker, { t: 'progress' }>) => void): Promise<FromWorker> {
  if (!worker) {
    worker = new Worker('book-worker.js');
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      if (e.data.t === 'progress') pending?.progress?.(e.data);
      else {
        const p = pending;
        pending = null;
        p?.resolve(e.data);
      }
    };
    worker.onerror = (e) => {
      const p = pending;
      pending = null;
      p?.resolve({ t: 'failed', message: e.message || w.workerFailed, request: m.t });
    };
  }
  // Requests queue behind each other: the worker answers one at a time, in order.
  const answer = queue.then(
    () =>
      new Promise<FromWorker>((resolve) => {
        pending = { resolve, progress };
        worker!.postMessage(m, transfer);
      }),
  );
  queue = answer.then(() => undefined);
  return answer;
}

function stageText(s: Stage): string {
  switch (s.stage) {
    case 'reading': return w.reading(S.fileName);
    case 'sheet': return w.readingSheet(s.sheet, s.i, s.n);
    case 'checking': return w.checking;
    case 'noLedger': return w.noLedgerForAnalysis;
  }
}

function download(bytes: ArrayBuffer, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// ---- signing in -------------------------------------------------------------------------------

async function signIn(token: string, quiet = false): Promise<void> {
  const client: ClientOptions = { server: location.origin, token, retries: 1, lang };
  if (!quiet) say('sign-in-msg', w.busy);
  try {
    const me = await apiRequest<{ unit: string; role: string }>(client, 'GET', '/me');
    S.client = client;
    S.role = me.role;
    S.unit = me.unit;
    localStorage.setItem(TOKEN_KEY, token);
    say('sign-in-msg', w.signedIn(me.unit, w.roleName(me.role)), 'ok');
    $('who').textContent = `${me.unit} · ${w.roleName(me.role)}`;
    show('sign-out-btn', true);
    show('review-section', me.role !== 'clerk');
    updateButtons();
    await refreshMonth();
    if (me.role !== 'clerk') await refreshBoard();
  } catch (e) {
    S.client = null;
    const status = e instanceof ApiRequestError ? e.status : 0;
    if (tokenRefused(e)) return updateButtons();
    if (status === 401) localStorage.removeItem(TOKEN_KEY);
    say('sign-in-msg', status === 401 ? w.refused : status === 0 ? w.unreachable(location.origin) : w.error(errorText(e)), 'error');
    updateButtons();
  }
}

/**
 * A token the service no longer takes (revoked, expired): signed out, and the service's words —
 * which it is and whom to ask — where one signs in. True when it was that.
 */
function tokenRefused(e: unknown): boolean {
  if (!(e instanceof ApiRequestError) || e.status !== 401 || (e.code !== 'token_expired' && e.code !== 'token_revoked')) return false;
  signOut();
  say('sign-in-msg', e.message, 'error');
  $('sign-in-msg').scrollIntoView();
  return true;
}

function signOut(): void {
  localStorage.removeItem(TOKEN_KEY);
  S.client = null;
  S.role = null;
  S.unit = null;
  $('who').textContent = '';
  ($('token') as HTMLInputElement).value = '';
  show('sign-out-btn', false);
  show('review-section', false);
  say('sign-in-msg', w.notSignedIn);
  say('month-msg', '');
  updateButtons();
}

function updateButtons(): void {
  const push = $('push-btn') as HTMLButtonElement;
  push.disabled = !S.client || !S.checked || S.checked.sheets.length === 0;
  push.title = !S.client ? w.needSignIn : !S.checked || S.checked.sheets.length === 0 ? w.nothingToPush : '';
}

// ---- reading and checking ---------------------------------------------------------------------

async function openFile(bytes: ArrayBuffer, name: string): Promise<void> {
  S.fileName = name;
  S.checked = null;
  for (const id of ['ledgers-section', 'findings-section', 'push-section', 'analysis-section']) show(id, false);
  say('corrections-msg', '');
  say('analysis-msg', '');
  say('push-msg', '');
  const bar = $('read-progress') as HTMLProgressElement;
  bar.removeAttribute('value');
  show('read-progress', true);
  say('read-msg', w.reading(name));
  const r = await ask({ t: 'open', bytes, name, lang }, [bytes], (p) => {
    bar.value = Math.round(p.fraction * 100);
    say('read-msg', stageText(p.text));
  });
  show('read-progress', false);
  if (r.t === 'failed') {
    say('read-msg', r.message, 'error');
    return;
  }
  if (r.t !== 'opened') return;
  S.sheets = r.sheets;
  S.corrections = { kinds: { ...r.corrections.kinds }, headerRows: { ...r.corrections.headerRows }, columns: { ...r.corrections.columns } };
  say('read-msg', w.readDone(name, r.sheets.length, r.rows, (r.ms / 1000).toFixed(1)), 'ok');
  ($('period') as HTMLInputElement).value = r.checked.as_of.slice(0, 7);
  shown(r.checked);
  for (const id of ['ledgers-section', 'findings-section', 'push-section', 'analysis-section']) show(id, true);
  await refreshMonth();
}

function shown(checked: CheckedView): void {
  S.checked = checked;
  renderLedgerList($('ledger-list'), {
    lang,
    w,
    sheets: S.sheets,
    checked,
    onKind: (sheet, kind) => {
      S.corrections.kinds[sheet] = kind;
      void recheck();
    },
    onHeaderRow: (sheet, row) => {
      S.corrections.headerRows[sheet] = row;
      delete S.corrections.columns[sheet]; // columns are letters of that row: chosen again below it
      void recheck();
    },
    onColumn: (sheet, field, letter) => {
      (S.corrections.columns[sheet] ??= {})[field] = letter;
      void recheck();
    },
  });
  const s = checked.summary;
  say('findings-summary', checked.findings.length ? w.findingsSummary(s.error, s.warning, s.info) : w.noFindings, summaryKind(s) === 'ok' ? 'ok' : summaryKind(s));
  renderFindingList($('findings'), checked.findings, w);
  updateButtons();
}

async function recheck(): Promise<void> {
  const period = ($('period') as HTMLInputElement).value || undefined;
  const r = await ask({ t: 'check', corrections: S.corrections, period, lang });
  if (r.t === 'checked') shown(r.checked);
  else if (r.t === 'failed') say('findings-summary', r.message, 'error');
}

async function saveCorrections(): Promise<void> {
  const c = S.corrections;
  if (!hasCorrections(c)) {
    say('corrections-msg', w.noCorrections, 'info');
    return;
  }
  const r = await ask({ t: 'corrections', corrections: c, fileName: S.fileName, lang });
  if (r.t === 'failed') return say('corrections-msg', r.message, 'error');
  if (r.t !== 'file') return;
  download(r.bytes, r.name, r.purpose === 'map' ? 'application/json' : XLSX_TYPE);
  say('corrections-msg', r.purpose === 'map' ? w.correctionsMap(S.fileName, r.name) : w.correctionsXlsx(r.name), 'ok');
}

// ---- push, analysis, the month ----------------------------------------------------------------

async function push(): Promise<void> {
  if (!S.client) return say('push-msg', w.needSignIn, 'error');
  const period = ($('period') as HTMLInputElement).value;
  const r = await ask({ t: 'prepare', corrections: S.corrections, period, workbook: S.fileName, lang });
  if (r.t === 'failed') return say('push-msg', r.message, 'error');
  if (r.t !== 'prepared') return;
  if (r.pushes.length === 0) return say('push-msg', w.nothingToPush, 'error');
  const total = r.pushes.reduce((n, p) => n + p.rows.length, 0) || 1;
  let before = 0;
  S.abort = new AbortController();
  show('cancel', true);
  ($('push-btn') as HTMLButtonElement).disabled = true;
  const bar = $('push-progress') as HTMLProgressElement;
  bar.value = 0;
  const out: string[] = [];
  say('push-msg', w.busy);
  try {
    for (const p of r.pushes) {
      const done = await pushLedger({ ...S.client, signal: S.abort.signal }, p, (pr) => (bar.value = Math.floor(((before + pr.sent) / total) * 100)));
      before += p.rows.length;
      out.push(`${w.pushed(lang === 'zh' ? LEDGERS[p.open.kind as LedgerKind].zh : p.open.kind, done.snapshot_id, done.unchanged)} · ${w.findingsSummary(done.findings_summary.error, done.findings_summary.warning, done.findings_summary.info)}`);
    }
    bar.value = 100;
    say('push-msg', `${w.pushDone}\n${out.join('\n')}`, 'ok');
  } catch (e) {
    say('push-msg', e instanceof ApiRequestError && e.code === 'cancelled' ? w.cancelled : w.error(errorText(e)), 'error');
    if (tokenRefused(e)) say('push-msg', '');
    else if (e instanceof ApiRequestError && e.status === 401) signOut();
  } finally {
    show('cancel', false);
    S.abort = null;
    updateButtons();
  }
  await refreshMonth();
  if (S.role !== 'clerk') await refreshBoard();
}

async function analysis(): Promise<void> {
  say('analysis-msg', w.busy);
  const period = ($('period') as HTMLInputElement).value || undefined;
  const r = await ask({ t: 'analysis', corrections: S.corrections, period, lang, fileName: S.fileName, now: Date.now() });
  if (r.t === 'failed') return say('analysis-msg', r.message, 'error');
  if (r.t === 'refused') return say('analysis-msg', stageText(r.text), 'error');
  if (r.t !== 'file') return;
  download(r.bytes, r.name, XLSX_TYPE);
  say('analysis-msg', w.analysisWrittenFile(r.name, r.sheets ?? 0, r.charts ?? 0), 'ok');
}

/**
 * Answers that arrive after a newer request of the same view are dropped: a slow answer for the
 * month shown before must not overwrite the month chosen since (seen under load in the tests).
 */
const latest = { month: 0, board: 0 };

async function refreshMonth(): Promise<void> {
  const period = ($('period') as HTMLInputElement).value;
  if (!S.client || !period) return say('month-msg', S.client ? '' : w.notSignedIn);
  const mine = ++latest.month;
  try {
    const s = await apiRequest<PeriodStateResponse>(S.client, 'GET', `/periods/${period}`);
    if (mine !== latest.month) return;
    say('month-msg', `${w.month}${lang === 'zh' ? '：' : ': '}${s.unit} ${period} ${s.status === 'closed' ? w.closed(actorText(s.changed_by ?? '', lang), s.changed_at ? localTimestamp(new Date(s.changed_at)) : '') : w.open} · ${w.findingsSummary(s.findings_summary.error, s.findings_summary.warning, s.findings_summary.info)}`, s.status === 'closed' ? 'info' : 'ok');
  } catch (e) {
    if (!tokenRefused(e)) say('month-msg', w.error(errorText(e)), 'error');
  }
}

// ---- reviewers: the board, close and reopen, the audit trail, the report ----------------------

function cellRow(tr: HTMLTableRowElement, cells: (string | Node)[]): void {
  for (const c of cells) {
    const td = document.createElement('td');
    td.append(c);
    tr.append(td);
  }
}
function head(table: string, labels: string[]): void {
  const tr = document.createElement('tr');
  for (const l of labels) {
    const th = document.createElement('th');
    th.textContent = l;
    tr.append(th);
  }
  $(table).querySelector('thead')!.replaceChildren(tr);
}

async function refreshBoard(): Promise<void> {
  if (!S.client || S.role === 'clerk') return;
  const period = ($('board-period') as HTMLInputElement).value;
  if (!period) return;
  const mine = ++latest.board;
  try {
    const b = await apiRequest<BoardResponse>(S.client, 'GET', `/periods/${period}/board`);
    if (mine !== latest.board) return;
    head('board', [w.boardUnit, w.boardPushedAt, w.boardPushedBy, w.boardErrors, w.boardWarnings, w.boardInfos, w.boardStatus, '']);
    const body = $('board').querySelector('tbody')!;
    body.replaceChildren();
    for (const u of b.units) {
      const tr = document.createElement('tr');
      tr.dataset.unit = u.unit;
      const act = document.createElement('button');
      act.type = 'button';
      act.textContent = u.status === 'closed' ? w.reopen : w.close;
      act.onclick = () => void changeMonth(u.unit, period, u.status === 'closed' ? 'reopen' : 'close', u.findings_summary.error > 0);
      const errors = document.createElement('span');
      errors.textContent = String(u.findings_summary.error);
      if (u.findings_summary.error > 0) errors.className = 'count error';
      cellRow(tr, [
        u.unit_name ? `${u.unit} ${u.unit_name}` : u.unit,
        u.last_push_at ? localTimestamp(new Date(u.last_push_at)) : w.boardNothing,
        u.last_push_by ?? '',
        errors,
        String(u.findings_summary.warning),
        String(u.findings_summary.info),
        u.status === 'closed' ? w.closed(actorText(u.changed_by ?? '', lang), u.changed_at ? localTimestamp(new Date(u.changed_at)) : '') : w.open,
        act,
      ]);
      body.append(tr);
    }
    // Rendered for this month: what the tests (and a screen reader) can wait for.
    $('board').dataset.period = period;
    await refreshAudit(period);
  } catch (e) {
    if (!tokenRefused(e)) say('board-msg', w.error(errorText(e)), 'error');
  }
}

async function refreshAudit(period: string): Promise<void> {
  const a = await apiRequest<AuditResponse>(S.client!, 'GET', `/audit?${new URLSearchParams({ period, limit: '200' })}`);
  head('audit', [w.auditAt, w.boardUnit, w.auditActor, w.auditAction, w.auditDetails]);
  const body = $('audit').querySelector('tbody')!;
  body.replaceChildren();
  if (a.events.length === 0) {
    const tr = document.createElement('tr');
    cellRow(tr, [w.auditNone]);
    body.append(tr);
  }
  // Newest first: what a reviewer looks for is what just happened.
  for (const e of [...a.events].reverse()) {
    const tr = document.createElement('tr');
    cellRow(tr, [localTimestamp(new Date(e.at)), e.unit ?? '', actorText(e.actor, lang), w.actionName(e.action), auditSentence(e, lang)]);
    body.append(tr);
  }
}

/** The pane's own dialog for a reason (never window.prompt): resolves with the text, or null if cancelled. */
function askReason(label: string): Promise<string | null> {
  const dlg = $('reason-dialog') as HTMLDialogElement;
  const text = $('reason') as HTMLTextAreaElement;
  $('reason-label').textContent = label;
  text.value = '';
  say('reason-msg', '');
  dlg.showModal();
  return new Promise((resolve) => {
    $('reason-cancel').onclick = () => {
      dlg.close();
      resolve(null);
    };
    ($('reason-form') as HTMLFormElement).onsubmit = (ev) => {
      if (!text.value.trim()) {
        ev.preventDefault();
        say('reason-msg', w.reasonNeeded, 'error');
        return;
      }
      resolve(text.value.trim());
    };
  });
}

async function changeMonth(unit: string, period: string, action: 'close' | 'reopen', hasErrors: boolean): Promise<void> {
  const needsReason = action === 'reopen' || hasErrors;
  const reason = needsReason ? await askReason(action === 'reopen' ? w.reopenReason : w.closeReason) : null;
  if (needsReason && reason === null) return;
  const body = action === 'reopen' ? { unit, reason } : reason ? { unit, override: reason } : { unit };
  try {
    await apiRequest(S.client!, 'POST', `/periods/${period}/${action}`, JSON.stringify(body));
    say('board-msg', action === 'close' ? w.closedOk(unit, period) : w.reopenedOk(unit, period), 'ok');
  } catch (e) {
    if (!tokenRefused(e)) say('board-msg', w.error(errorText(e)), 'error');
  }
  await refreshBoard();
  await refreshMonth();
}

async function report(): Promise<void> {
  if (!S.client) return;
  const period = ($('board-period') as HTMLInputElement).value;
  say('board-msg', w.busy);
  try {
    const a = await apiRequest<AnalysisResponse>(S.client, 'GET', `/analysis?${new URLSearchParams({ period, lang })}`);
    const diff = a.unit === '*' ? null : await apiRequest<DiffResponse>(S.client, 'GET', `/periods/${period}/diff?${new URLSearchParams({ unit: a.unit })}`);
    const r = await ask({ t: 'report', analysis: a, period, lang, now: Date.now(), diff });
    if (r.t === 'failed') return say('board-msg', r.message, 'error');
    if (r.t !== 'file') return;
    download(r.bytes, r.name, XLSX_TYPE);
    say('board-msg', w.analysisWrittenFile(r.name, r.sheets ?? 0, r.charts ?? 0), 'ok');
  } catch (e) {
    if (!tokenRefused(e)) say('board-msg', w.error(errorText(e)), 'error');
  }
}

// ---- wiring -----------------------------------------------------------------------------------

function wire(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = w.benchTitle;
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-w]'))) {
    const v = w[el.dataset.w as keyof Words];
    if (typeof v === 'string') el.textContent = v;
  }
  ($('period') as HTMLInputElement).value = currentMonth();
  ($('board-period') as HTMLInputElement).value = currentMonth();
  ($('sign-in-form') as HTMLFormElement).onsubmit = (e) => {
    e.preventDefault();
    void signIn(($('token') as HTMLInputElement).value.trim());
  };
  $('sign-out-btn').onclick = signOut;
  const input = $('file') as HTMLInputElement;
  input.onchange = () => {
    const f = input.files?.[0];
    if (f) void f.arrayBuffer().then((b) => openFile(b, f.name));
    input.value = '';
  };
  const drop = $('drop');
  drop.ondragover = (e) => {
    e.preventDefault();
    drop.classList.add('over');
  };
  drop.ondragleave = () => drop.classList.remove('over');
  drop.ondrop = (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files?.[0];
    if (f) void f.arrayBuffer().then((b) => openFile(b, f.name));
  };
  $('sample-btn').onclick = async () => {
    const name = lang === 'zh' ? '示例-2024.xlsx' : 'sample-2024.xlsx';
    const res = await fetch('sample-2024.xlsx');
    await openFile(await res.arrayBuffer(), name);
  };
  $('save-corrections').onclick = () => void saveCorrections();
  $('push-btn').onclick = () => void push();
  $('cancel').onclick = () => S.abort?.abort();
  $('analysis-btn').onclick = () => void analysis();
  $('period').onchange = () => {
    if (S.checked) void recheck();
    void refreshMonth();
  };
  $('board-period').onchange = () => void refreshBoard();
  $('report-btn').onclick = () => void report();
  say('status', '');
  show('app', true);
  say('sign-in-msg', w.notSignedIn);
  updateButtons();
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) void signIn(token, true);
}

wire();
