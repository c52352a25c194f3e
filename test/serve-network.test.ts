/**
 * The service as a unit's IT starts it: on the LAN (--host, HOST), with its development
 * certificates, on a port that may be taken, and under `npm start`, which must stop it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import net from 'node:net';
import os from 'node:os';
import http from 'node:http';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawn, ChildProcess } from 'node:child_process';
import { certificates } from '../server/serve';
import { tmpDir } from './support/xlsx';

const ROOT = path.join(__dirname, '..');

/** `ledger-sync serve …` in a process of its own; resolves once it says where it serves, or with its exit. */
function serveProcess(args: string[], env: Record<string, string> = {}, command: string[] = [process.execPath, 'bin/ledger-sync.js', 'serve']) {
  const proc = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: `sqlite:${path.join(tmpDir(), 'net.sqlite')}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += String(d)));
  proc.stdout!.on('data', (d) => (err += String(d)));
  const started = new Promise<{ url: string; port: number } | { exit: number | null }>((resolve) => {
    const timer = setTimeout(() => resolve({ exit: -1 }), 90_000);
    proc.stderr!.on('data', () => {
      // Started once its last start-up line is whole: the URLs for other computers, or the hint that there are none.
      const m = /serving (https?:\/\/localhost:(\d+)) on [^ ]+ \(Ctrl\+C stops\)[\s\S]*(?:本单位其他电脑|仅本机可访问)[^\n]*\n/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, port: Number(m[2]) });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ exit: code });
    });
  });
  return { proc, started, output: () => err };
}

function stopped(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
}

function healthy(url: string): Promise<number> {
  return new Promise((resolve) => {
    http.get(`${url}/healthz`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', () => resolve(0));
  });
}

/** Whether something accepts connections on 127.0.0.1:port, asked until `want` or the deadline. */
async function waitListening(port: number, want: boolean, ms = 15_000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open === want || Date.now() > until) return open;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Processes of `ledger-sync serve` started with PORT=port, from /proc (no pgrep on a minimal machine). */
function serversOnPort(port: number): string[] {
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  return readdirSync('/proc').filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => read(`/proc/${pid}/cmdline`).includes('ledger-sync.js\u0000serve') && read(`/proc/${pid}/environ`).includes(`PORT=${port}\u0000`));
}

describe('the service on a unit’s network', function () {
  this.timeout(180_000);

  it('listens on 127.0.0.1 by default and says how to let other computers in', async () => {
    const s = serveProcess(['--http', '--port', '0']);
    try {
      const r = await s.started;
      assert.ok('url' in r, s.output());
      assert.match(s.output(), new RegExp(`on 127\\.0\\.0\\.1:${r.port} `));
      assert.match(s.output(), /仅本机可访问；--host 0\.0\.0\.0/);
      assert.equal(await healthy(r.url), 200);
    } finally {
      s.proc.kill('SIGTERM');
      await stopped(s.proc);
    }
  });

  for (const how of ['--host', 'HOST'] as const) {
    it(`${how} 0.0.0.0: listens on every address and prints the URL for the unit's other computers`, async () => {
      const s = how === '--host' ? serveProcess(['--http', '--port', '0', '--host', '0.0.0.0']) : serveProcess(['--http', '--port', '0'], { HOST: '0.0.0.0' });
      try {
        const r = await s.started;
        assert.ok('url' in r, s.output());
        assert.match(s.output(), new RegExp(`on 0\\.0\\.0\\.0:${r.port} `));
        const lan = Object.values(os.networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4');
        if (lan.length > 0) {
          assert.match(s.output(), new RegExp(`本单位其他电脑 / other computers of the unit: http://${lan[0]!.address.replace(/\./g, '\\.')}:${r.port}/`));
          assert.equal(await healthy(`http://${lan[0]!.address}:${r.port}`), 200);
        }
        assert.equal(await healthy(r.url), 200);
      } finally {
        s.proc.kill('SIGTERM');
        await stopped(s.proc);
      }
    });
  }

  it('rate limits set by the environment: random tokens meet 429 after LEDGER_SYNC_AUTH_FAILURES; a bad setting is refused at start', async () => {
    const s = serveProcess(['--http', '--port', '0'], { LEDGER_SYNC_AUTH_FAILURES: '4' });
    try {
      const r = await s.started;
      assert.ok('url' in r, s.output());
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) {
        codes.push(await new Promise<number>((resolve) => {
          http.get(`${r.url}/api/v1/me`, { headers: { Authorization: `Bearer lsk_random${i}` } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          }).on('error', () => resolve(0));
        }));
      }
      assert.deepEqual(codes, [401, 401, 401, 401, 429, 429, 429]);
    } finally {
      s.proc.kill('SIGTERM');
      await stopped(s.proc);
    }
    const bad = serveProcess(['--http', '--port', '0'], { LEDGER_SYNC_RATE_PER_TOKEN: 'lots' });
    assert.deepEqual(await bad.started, { exit: 2 });
    assert.equal(bad.output().trim(), 'ledger-sync: LEDGER_SYNC_RATE_PER_TOKEN 应为不小于 1 的整数，现为“lots”');
  });

  it('a port in use is one line in the user’s language and exit 2', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      for (const [lang, words] of [['zh', `端口 ${port} 已被占用`], ['en', `port ${port} is already in use`]] as const) {
        const s = serveProcess(['--http', '--port', String(port), '--lang', lang]);
        const r = await s.started;
        assert.deepEqual(r, { exit: 2 }, s.output());
        const lines = s.output().trim().split('\n');
        assert.equal(lines.length, 1, s.output());
        assert.ok(lines[0]!.startsWith(`ledger-sync: ${words}`), s.output());
        assert.doesNotMatch(s.output(), /EADDRINUSE|internal error|\n\s+at /);
      }
    } finally {
      blocker.close();
    }
  });

  it('HTTPS that cannot start is refused with what to do, never served as plain HTTP', async () => {
    const s = serveProcess(['--port', '0'], { LEDGER_SYNC_CERT: path.join(tmpDir(), 'none.crt'), LEDGER_SYNC_KEY: path.join(tmpDir(), 'none.key') });
    const r = await s.started;
    assert.deepEqual(r, { exit: 2 }, s.output());
    assert.match(s.output(), /^ledger-sync: 无法启用 HTTPS（找不到 [^）]*none\.crt）：.*--http/);
    assert.doesNotMatch(s.output(), /ENOENT|no such file/);
    assert.doesNotMatch(s.output(), /serving/);
  });

  it('generated certificates: the key is 0600 from the start, and a key left readable by others is made 0600', async () => {
    const dir = path.join(tmpDir(), 'certs');
    const noHome = path.join(tmpDir(), 'no-home-certs');
    const c = await certificates(dir, noHome);
    assert.equal(c.generated, true);
    assert.equal(statSync(path.join(dir, 'localhost.key')).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o077, 0, 'the folder is the user’s only');
    assert.match(String(c.key), /PRIVATE KEY/);
    chmodSync(path.join(dir, 'localhost.key'), 0o644);
    await certificates(dir, noHome);
    assert.equal(statSync(path.join(dir, 'localhost.key')).mode & 0o777, 0o600);
    // A half-made folder (a CA without the localhost pair) is made whole, not left to fail.
    const half = path.join(tmpDir(), 'half');
    mkdirSync(half);
    writeFileSync(path.join(half, 'ca.crt'), 'old');
    const h = await certificates(half, noHome);
    assert.match(String(h.cert), /BEGIN CERTIFICATE/);
  });

  it('`npm start` stopped with SIGTERM stops the service with it and frees the port', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    // --ignore-scripts skips only the build of prestart (done by `npm test` already), not start itself.
    const s = serveProcess([], { PORT: String(port), LEDGER_SYNC_HTTP: '1' }, ['npm', 'start', '--silent', '--ignore-scripts']);
    const r = await s.started;
    assert.ok('url' in r, s.output());
    assert.equal(await waitListening(port, true), true);
    s.proc.kill('SIGTERM'); // npm's own pid, as `kill <pid of npm start>` does
    await stopped(s.proc);
    const freed = !(await waitListening(port, false));
    // A server left behind is stopped here, so a failure does not leave the port (and mocha) held.
    // Freeing the port comes before closing the database: the process may need a moment more to end.
    let left = serversOnPort(port);
    for (let i = 0; i < 150 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = serversOnPort(port);
    }
    for (const pid of left) process.kill(Number(pid), 'SIGKILL');
    assert.ok(freed, `port ${port} still held: ${s.output()}`);
    assert.deepEqual(left, [], 'no server of this test is left running');
  });
});
