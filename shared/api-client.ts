/** The client side of the push protocol, for the CLI and the add-in alike (fetch only). */
import type { ApiError, CommitResponse, PushOpenResponse, SnapshotResponse } from './api';
import { API_PREFIX } from './api-limits';
import { PreparedPush, chunkBody, chunkRanges } from './push';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  server: string;
  token: string;
  fetch?: typeof fetch;
  /** Retries of one request on 429, 503 and a lost connection, waiting as the server says. */
  retries?: number;
  signal?: AbortSignal;
  /** The language the service answers refusals in (Accept-Language), the session's. */
  lang?: 'zh' | 'en';
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new ApiRequestError(0, 'cancelled', 'cancelled'));
    }, { once: true });
  });

export async function apiRequest<T>(c: ClientOptions, method: string, path: string, body?: string): Promise<T> {
  const f = c.fetch ?? fetch;
  const retries = c.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await f(c.server.replace(/\/+$/, '') + API_PREFIX + path, {
        method,
        headers: {
          Authorization: `Bearer ${c.token}`,
          ...(c.lang ? { 'Accept-Language': c.lang === 'zh' ? 'zh-CN' : 'en' } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body,
        signal: c.signal,
      });
    } catch (e) {
      if (c.signal?.aborted) throw new ApiRequestError(0, 'cancelled', 'cancelled');
      if (attempt < retries) {
        await sleep(500 * 2 ** attempt, c.signal);
        continue;
      }
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      // A system's code (ECONNREFUSED) helps IT; a browser's own words ("Failed to fetch") are English only.
      const code = /^E[A-Z_]+$/.test(String(why)) ? `（${why}）` : '';
      throw new ApiRequestError(0, 'unreachable', c.lang === 'zh' ? `无法连接 ${c.server}${code}：请检查服务器地址和网络，以及服务是否已启动` : `cannot reach ${c.server}: ${why}`);
    }
    if ((res.status === 429 || res.status === 503) && attempt < retries) {
      const wait = Number(res.headers.get('retry-after'));
      await sleep(Number.isFinite(wait) && wait > 0 ? Math.min(wait, 60) * 1000 : 1000 * 2 ** attempt, c.signal);
      continue;
    }
    const text = await res.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      /* a proxy's HTML error page: reported below by status */
    }
    if (!res.ok) {
      const err = (data as ApiError | null)?.error;
      // No message of the service's own (a proxy's page): the status, in the session's words.
      const bare = c.lang === 'zh' ? `服务器返回 HTTP ${res.status}，未给出说明：请联系管理员` : `HTTP ${res.status}`;
      throw new ApiRequestError(res.status, err?.code ?? 'http_' + res.status, err?.message ?? bare, err?.field);
    }
    return data as T;
  }
}

export interface PushProgress {
  kind: string;
  sent: number;
  total: number;
}

/** Opens, uploads every chunk and commits one ledger; unchanged content returns its snapshot. */
export async function pushLedger(c: ClientOptions, p: PreparedPush, onProgress?: (pr: PushProgress) => void): Promise<CommitResponse> {
  const opened = await apiRequest<PushOpenResponse>(c, 'POST', '/pushes', JSON.stringify(p.open));
  const total = p.rows.length;
  if ('unchanged' in opened) {
    onProgress?.({ kind: p.open.kind, sent: total, total });
    const { snapshot } = await apiRequest<SnapshotResponse>(c, 'GET', `/snapshots/${opened.snapshot_id}?limit=1`);
    return { snapshot_id: opened.snapshot_id, unchanged: true, row_count: snapshot.row_count, findings_summary: snapshot.findings_summary };
  }
  let sent = 0;
  onProgress?.({ kind: p.open.kind, sent, total });
  const ranges = chunkRanges(p.rows);
  // Two chunks in flight: the next one is serialised and sent while the server reads the last.
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < ranges.length && !failed) {
      const n = next++;
      const [from, to] = ranges[n]!;
      const body = chunkBody(p.rows.slice(from, to), p.sourceRows.slice(from, to));
      await apiRequest(c, 'PUT', `/pushes/${opened.push_id}/chunks/${n}`, body).catch((e) => {
        failed = true;
        throw e;
      });
      sent += to - from;
      onProgress?.({ kind: p.open.kind, sent, total });
    }
  };
  await Promise.all([worker(), worker()]);
  return apiRequest<CommitResponse>(c, 'POST', `/pushes/${opened.push_id}/commit`);
}
