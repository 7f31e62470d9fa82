import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatEta, formatPercent, formatRate, formatRatio } from './format.ts';
import { peerAddress, peerFlagLetters } from './peer-flags.ts';

test('sizes, rates, ETA, percent and ratio read like a client', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(4.2 * 1024 ** 3), '4.20 GiB');
  assert.equal(formatBytes(-1), '–');
  assert.equal(formatRate(0), '');
  assert.equal(formatRate(2048), '2.00 KiB/s');
  assert.equal(formatEta(-1), '∞');
  assert.equal(formatEta(59), '59s');
  assert.equal(formatEta(3661), '1h 1m');
  assert.equal(formatEta(90061), '1d 1h');
  assert.equal(formatPercent(0.9996), '99.9%');
  assert.equal(formatPercent(1), '100.0%');
  assert.equal(formatRatio(Infinity), '∞');
  assert.equal(formatRatio(1.234), '1.23');
});

test('peer flags in qBittorrent letters', () => {
  const flags = { amChoking: false, amInterested: true, peerChoking: false, peerInterested: true, incoming: true, snubbed: false };
  assert.deepEqual(peerFlagLetters({ flags, source: 'incoming' }).map((f) => f.letter), ['D', 'U', 'I']);
  const choked = { amChoking: true, amInterested: true, peerChoking: true, peerInterested: false, incoming: false, snubbed: true };
  assert.deepEqual(peerFlagLetters({ flags: choked, source: 'pex' }).map((f) => f.letter), ['d', 'S', 'X']);
  assert.equal(peerAddress({ ip: '::1', port: 6881 }), '[::1]:6881');
  assert.equal(peerAddress({ ip: '10.0.0.1', port: 1 }), '10.0.0.1:1');
});
