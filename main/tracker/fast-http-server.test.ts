// The standalone HTTP server's connection handling: keep-alive, pipelining, requests split
// across reads, Connection: close, HTTP/1.0, bodies and malformed heads — on both TCP transports
// (raw libuv handles and node:net).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTracker } from './index.ts';
import { startFastHttpServer } from './fast-http-server.ts';
import { escapeBytes } from './testing.ts';
import { rawTcpAvailable } from './raw-tcp.ts';
import type { TcpTransport } from './tcp-conn.ts';

const HASH = Buffer.alloc(20, 0x33);
const ID = Buffer.from('-TS0001-fasthttptest');

function announce(port: number, extra = ''): string {
  return `GET /announce?info_hash=${escapeBytes(HASH)}&peer_id=${escapeBytes(ID)}&port=${port}&left=1 HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
}

/** Send `chunks` (with a pause between them), collect everything until the server closes or `ms`. */
function exchange(port: number, chunks: string[], ms = 1500): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const t = setTimeout(() => { s.destroy(); resolve({ text, closed }); }, ms);
    s.on('data', (d: Buffer) => { text += d.toString('latin1'); });
    s.on('end', () => { closed = true; clearTimeout(t); s.destroy(); resolve({ text, closed }); });
    s.on('error', (e) => { clearTimeout(t); reject(e); });
    s.on('connect', async () => {
      for (const c of chunks) {
        s.write(c);
        await new Promise((r) => setTimeout(r, 30));
      }
    });
  });
}

const responses = (text: string): number => text.split('HTTP/1.1 ').length - 1;

const TRANSPORTS: TcpTransport[] = ['raw', 'net'];

test('the raw TCP handles are available on this Node (else the tracker silently runs on node:net)', () => {
  assert.ok(rawTcpAvailable());
});

for (const transport of TRANSPORTS) {

  test(`keep-alive, pipelining and requests split across reads (${transport})`, async () => {
    const t = await startTracker({ http: { host: '127.0.0.1', port: 0, transport } });
    const port = Number(new URL(t.httpUrl ?? '').port);
    try {
      const piped = await exchange(port, [announce(1) + announce(2) + announce(3)]);
      assert.equal(responses(piped.text), 3);
      assert.equal(piped.closed, false, 'keep-alive by default in HTTP/1.1');
      assert.match(piped.text, /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain\r\nContent-Length: \d+\r\n\r\nd8:complete/);
      const req = announce(4);
      const split = await exchange(port, [req.slice(0, 10), req.slice(10, 50), req.slice(50), announce(5).slice(0, 7), announce(5).slice(7)]);
      assert.equal(responses(split.text), 2);
      assert.equal(t.tracker.store.peerCount, 5);
    } finally {
      await t.close();
    }
  });

  test(`Connection: close, HTTP/1.0, bodies and malformed heads end the connection (${transport})`, async () => {
    const t = await startTracker({ http: { host: '127.0.0.1', port: 0, transport } });
    const port = Number(new URL(t.httpUrl ?? '').port);
    try {
      const close = await exchange(port, [announce(1, 'Connection: close\r\n') + announce(2)]);
      assert.equal(responses(close.text), 1, 'nothing after a Connection: close request is answered');
      assert.ok(close.closed);
      assert.match(close.text, /Connection: close/);
      const h10 = await exchange(port, [announce(1).replace('HTTP/1.1', 'HTTP/1.0')]);
      assert.ok(h10.closed);
      const body = await exchange(port, [announce(1, 'Content-Length: 3\r\n') + 'abc']);
      assert.ok(body.closed);
      assert.match(body.text, /failure reason.*no body/);
      const junk = await exchange(port, ['HELLO\r\n\r\n']);
      assert.ok(junk.closed);
      assert.match(junk.text, /^HTTP\/1\.1 400 Bad Request/);
      const huge = await exchange(port, [`GET /${'a'.repeat(10_000)}`]);
      assert.ok(huge.closed);
      assert.match(huge.text, /^HTTP\/1\.1 431 /);
      const other = await exchange(port, ['GET /favicon.ico HTTP/1.1\r\n\r\n']);
      assert.match(other.text, /^HTTP\/1\.1 404 Not Found/);
    } finally {
      await t.close();
    }
  });

  test(`fuzz: garbage on the socket never takes the server down (${transport})`, async () => {
    const t = await startTracker({ http: { host: '127.0.0.1', port: 0, transport } });
    const port = Number(new URL(t.httpUrl ?? '').port);
    try {
      let seed = 12345;
      const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
      const pieces = ['GET ', '/announce?', 'HTTP/1.1', '\r\n', '\r\n\r\n', ': ', 'Content-Length: 9', 'Connection: close', '%', '\0', '\xff', ' '];
      for (let i = 0; i < 60; i++) {
        const chunks: string[] = [];
        for (let c = 0; c < 1 + Math.floor(rnd() * 4); c++) {
          let s = '';
          for (let k = 0; k < Math.floor(rnd() * 12); k++) s += rnd() < 0.6 ? pieces[Math.floor(rnd() * pieces.length)] : String.fromCharCode(Math.floor(rnd() * 256));
          chunks.push(s);
        }
        await exchange(port, chunks, 150);
      }
      const ok = await exchange(port, [announce(9)]);
      assert.equal(responses(ok.text), 1, 'still serving');
    } finally {
      await t.close();
    }
  });

  test(`one request with Connection: close: the whole reply, then a clean close (no reset), many times over (${transport})`, async () => {
    const t = await startTracker({ http: { host: '127.0.0.1', port: 0, transport } });
    const port = Number(new URL(t.httpUrl ?? '').port);
    try {
      const runs = await Promise.all(Array.from({ length: 40 }, (_, i) => exchange(port, [announce(100 + i, 'Connection: close\r\n')])));
      for (const r of runs) {
        assert.ok(r.closed, 'closed by the server');
        assert.equal(responses(r.text), 1);
        const m = /Content-Length: (\d+)\r\n(?:[^\r]*\r\n)*\r\n([\s\S]*)$/.exec(r.text);
        assert.ok(m !== null);
        assert.equal(m[2]?.length, Number(m[1]), 'the body arrived whole');
      }
      assert.equal(t.tracker.store.peerCount, 40);
    } finally {
      await t.close();
    }
  });

  test(`idle connections are closed by the sweep; active ones are kept (${transport})`, async () => {
    const core = (): undefined => undefined;
    const srv = await startFastHttpServer(core, { host: '127.0.0.1', port: 0, idleTimeoutMs: 300, transport });
    try {
      assert.equal(srv.transport, transport, 'the server runs on the transport asked for');
      const started = Date.now();
      const silent = await exchange(srv.port, [], 5000);
      assert.ok(silent.closed, 'a silent connection is closed');
      assert.ok(Date.now() - started >= 250, 'not before the idle timeout');
      // A client that keeps talking (a request every 100 ms) outlives several timeouts.
      const chatty = await new Promise<{ n: number; closed: boolean }>((resolve, reject) => {
        const s = connect(srv.port, '127.0.0.1');
        let text = '';
        let closed = false;
        let sent = 0;
        s.on('data', (d: Buffer) => { text += d.toString('latin1'); });
        s.on('close', () => { closed = true; });
        s.on('error', reject);
        const timer = setInterval(() => {
          if (sent++ < 12) { s.write('GET /x HTTP/1.1\r\n\r\n'); return; }
          clearInterval(timer);
          s.destroy();
          resolve({ n: responses(text), closed });
        }, 100);
      });
      assert.equal(chatty.closed, false);
      assert.equal(chatty.n, 12);
    } finally {
      await srv.close();
    }
  });

  test(`a client that pipelines thousands of requests and reads late gets every reply (${transport})`, async () => {
    const core = (): { status: number; type: string; body: string; close: boolean } => ({ status: 200, type: 'text/plain', body: 'x'.repeat(4000), close: false });
    const srv = await startFastHttpServer(core, { host: '127.0.0.1', port: 0, transport });
    try {
      const n = 4000; // 16 MB of replies: more than the socket buffers hold, so writes queue in the server
      const got = await new Promise<number>((resolve, reject) => {
        const s = connect(srv.port, '127.0.0.1');
        const chunks: Buffer[] = [];
        let bytes = 0;
        const count = (): number => responses(Buffer.concat(chunks).toString('latin1'));
        const one = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4000\r\n\r\n'.length + 4000;
        s.on('error', reject);
        s.on('connect', () => {
          s.pause(); // read nothing for a while
          s.write('GET /a HTTP/1.1\r\n\r\n'.repeat(n));
          setTimeout(() => s.resume(), 500);
        });
        s.on('data', (d: Buffer) => {
          chunks.push(d);
          bytes += d.length;
          if (bytes >= n * one) { s.destroy(); resolve(count()); }
        });
        setTimeout(() => { s.destroy(); resolve(count()); }, 10_000);
      });
      assert.equal(got, n);
    } finally {
      await srv.close();
    }
  });

  test(`connections over maxConnections are closed at once (${transport})`, async () => {
    const srv = await startFastHttpServer(() => undefined, { host: '127.0.0.1', port: 0, maxConnections: 2, transport });
    const open: Array<ReturnType<typeof connect>> = [];
    try {
      for (let i = 0; i < 2; i++) {
        const s = connect(srv.port, '127.0.0.1');
        open.push(s);
        await new Promise((r) => s.once('connect', r));
      }
      await new Promise((r) => setTimeout(r, 50));
      const third = await exchange(srv.port, ['GET /x HTTP/1.1\r\n\r\n'], 2000);
      assert.ok(third.closed, 'the third connection is closed');
      assert.equal(responses(third.text), 0);
    } finally {
      for (const s of open) s.destroy();
      await srv.close();
    }
  });
}
