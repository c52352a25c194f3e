/**
 * The CLI's HTTP transport: the small part of fetch that the API client uses (method, headers,
 * a bytes or text body, abort; status, headers and text back), over node:http(s) with kept-alive
 * connections. The global fetch routes every request body through web streams, which costs the
 * CLI more CPU than the rest of a push; the add-in keeps the browser's fetch.
 * Trust is the same: Node's CA store plus NODE_EXTRA_CA_CERTS.
 */
import http from 'node:http';
import https from 'node:https';

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

const NO_BODY = new Set([101, 204, 205, 304]);

/** An error shaped as fetch's: `TypeError('fetch failed')` with the socket's error as its cause. */
function failed(cause: Error): TypeError {
  return Object.assign(new TypeError('fetch failed'), { cause });
}

export const nodeFetch: typeof fetch = (input, init) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      reject(failed(new Error(`unsupported protocol ${url.protocol}`)));
      return;
    }
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      reject(new TypeError('nodeFetch sends text or bytes only'));
      return;
    }
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const bytes = body === undefined || body === null ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
    if (bytes) headers['content-length'] = String(bytes.byteLength);
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) {
      reject(new DOMException('This operation was aborted', 'AbortError'));
      return;
    }
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: init?.method ?? 'GET', headers, agent: agents[url.protocol] }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('error', (e) => reject(failed(e)));
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
        }
        const status = res.statusCode ?? 0;
        resolve(new Response(NO_BODY.has(status) ? null : Buffer.concat(parts), { status, statusText: res.statusMessage ?? '', headers: out }));
      });
    });
    const abort = () => req.destroy(new DOMException('This operation was aborted', 'AbortError'));
    signal?.addEventListener('abort', abort, { once: true });
    req.on('error', (e) => {
      signal?.removeEventListener('abort', abort);
      reject(e.name === 'AbortError' ? e : failed(e));
    });
    req.on('close', () => signal?.removeEventListener('abort', abort));
    req.end(bytes);
  });
