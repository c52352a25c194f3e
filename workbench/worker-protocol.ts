/** Messages between the workbench page and its book worker (book-worker.ts). */
import type { AnalysisResponse, DiffResponse } from '../shared/api';
import type { CheckResult } from '../shared/check';
import type { Corrections } from '../shared/corrections';
import type { Lang } from '../shared/findings';
import type { PreparedPush } from '../shared/push';
import type { FileFormat } from '../shared/read/workbook-file';
import type { SheetGrid } from '../shared/workbook';

export type ToWorker =
  | { t: 'open'; bytes: ArrayBuffer; name: string; lang: Lang; corrections?: Corrections }
  | { t: 'check'; corrections: Corrections; period?: string; lang: Lang }
  | { t: 'prepare'; corrections: Corrections; period: string; workbook: string; lang: Lang }
  | { t: 'analysis'; corrections: Corrections; period?: string; lang: Lang; fileName: string; now: number }
  | { t: 'corrections'; corrections: Corrections; fileName: string; lang: Lang }
  | { t: 'report'; analysis: AnalysisResponse; period: string; lang: Lang; now: number; diff: DiffResponse | null };

/** What the page shows of a check: no ledger rows (they stay in the worker). */
export type CheckedView = Pick<CheckResult, 'as_of' | 'sheets' | 'findings' | 'summary'> & { charts: number };

/** Progress, said by stage so that the page words it in its language. */
export type Stage = { stage: 'reading' } | { stage: 'sheet'; sheet: string; i: number; n: number } | { stage: 'checking' } | { stage: 'noLedger' };

export type FromWorker =
  | { t: 'progress'; text: Stage; fraction: number }
  | { t: 'opened'; format: FileFormat; ms: number; rows: number; sheets: { grid: SheetGrid; rowCount: number }[]; corrections: Corrections; checked: CheckedView }
  | { t: 'checked'; checked: CheckedView }
  | { t: 'prepared'; pushes: PreparedPush[] }
  | { t: 'file'; purpose: 'analysis' | 'corrections' | 'map' | 'report'; name: string; bytes: ArrayBuffer; sheets?: number; charts?: number }
  | { t: 'refused'; text: Stage }
  | { t: 'failed'; message: string; request: ToWorker['t'] };
