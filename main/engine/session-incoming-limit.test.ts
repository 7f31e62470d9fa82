// Incoming connections are refused before any handshake work (an MSE Diffie-Hellman costs us a
// modular exponentiation) once MAX_INCOMING_HANDSHAKES strangers are mid-handshake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_INCOMING_HANDSHAKES, Session } from './session.ts';

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends an MSE opening (a 96-byte public key) and reports how many bytes came back before close or timeout. */
function mseProbe(s: net.Socket, waitMs: number): Promise<{ bytes: number; closed: boolean }> {
  return new Promise((resolve) => {
    let bytes = 0;
    s.on('data', (d: Buffer) => { bytes += d.length; });
    s.on('error', () => {});
    const timer = setTimeout(() => resolve({ bytes, closed: false }), waitMs);
    s.once('close', () => { clearTimeout(timer); resolve({ bytes, closed: true }); });
    s.write(randomBytes(96));
  });
}

test('past the half-open limit a new incoming connection is closed without an MSE reply; below it one is answered', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-incoming-'));
  const session = await Session.open({ stateDir: dir, listenHost: '127.0.0.1', settings: { listenPort: 0, utp: false } });
  const idle: net.Socket[] = [];
  try {
    // Below the limit, MSE is negotiated: our public key comes back.
    const first = await connect(session.port);
    const answered = await mseProbe(first, 2000);
    assert.ok(answered.bytes >= 96, `an MSE reply (${answered.bytes} bytes)`);
    first.destroy();
    await new Promise((r) => setTimeout(r, 100));

    for (let i = 0; i < MAX_INCOMING_HANDSHAKES; i++) idle.push(await connect(session.port));
    await new Promise((r) => setTimeout(r, 100)); // let the session see every accept
    const extra = await connect(session.port);
    const refused = await mseProbe(extra, 3000);
    assert.deepEqual(refused, { bytes: 0, closed: true });

    // Once the strangers leave, connections are served again.
    for (const s of idle.splice(0)) s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const again = await connect(session.port);
    assert.ok((await mseProbe(again, 2000)).bytes >= 96);
    again.destroy();
  } finally {
    for (const s of idle) s.destroy();
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
});
