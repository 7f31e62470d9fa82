import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { byteProgress, formatBytes } from './progress.ts';

test('formatBytes', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(1024 ** 3), '1.00 GiB');
  assert.equal(formatBytes(200 * 1024 * 1024), '200.0 MiB');
});

test('byteProgress draws bytes, rate and ETA when enabled, and nothing when not a TTY', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => { text += d.toString(); });
  const stream = Object.assign(out, { isTTY: true, columns: 120, cursorTo() { return true; }, clearLine() { return true; }, moveCursor() { return true; } }) as unknown as NodeJS.WriteStream;
  const bar = byteProgress('hashing', { enabled: true, stream });
  bar.update(512 * 1024, 1024 * 1024);
  bar.update(1024 * 1024, 1024 * 1024);
  bar.stop();
  assert.match(text, /hashing \[.*\] 100% 1\.00 MiB\/1\.00 MiB .*\/s ETA/);
  const quiet = new PassThrough();
  let q = '';
  quiet.on('data', (d: Buffer) => { q += d.toString(); });
  const off = byteProgress('x', { stream: Object.assign(quiet, { isTTY: false }) as unknown as NodeJS.WriteStream });
  off.update(1, 2);
  off.stop();
  assert.equal(q, '');
});
