import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clientFromPeerId, generatePeerId } from './peer-id.ts';

const id = (s: string): Uint8Array => {
  const out = new Uint8Array(20);
  out.set(new TextEncoder().encode(s).subarray(0, 20));
  return out;
};

test('generatePeerId: Azureus style with the Tessera prefix, random tail', () => {
  const a = generatePeerId();
  const b = generatePeerId();
  assert.equal(a.length, 20);
  assert.equal(new TextDecoder().decode(a.subarray(0, 8)), '-TS0100-');
  assert.notDeepEqual(a.subarray(8), b.subarray(8));
  assert.equal(clientFromPeerId(a), 'Tessera 0.1.0');
});

test('clientFromPeerId table', () => {
  const table: [string, string][] = [
    ['-LT2080-xxxxxxxxxxxx', 'libtorrent 2.0.8'],
    ['-LT20A0-xxxxxxxxxxxx', 'libtorrent 2.0.10'],
    ['-qB4520-xxxxxxxxxxxx', 'qBittorrent 4.5.2'],
    ['-TR3000-xxxxxxxxxxxx', 'Transmission 3.00'],
    ['-TR294Z-xxxxxxxxxxxx', 'Transmission 2.94 (dev)'],
    ['-TR4060-xxxxxxxxxxxx', 'Transmission 4.0.6'],
    ['A2-1-36-0-xxxxxxxxxx', 'aria2 1.36.0'],
    ['aria2-xxxxxxxxxxxxxx', 'aria2'],
    ['-DE13F0-xxxxxxxxxxxx', 'Deluge 1.3.15'],
    ['-UT355W-xxxxxxxxxxxx', 'µTorrent 3.5.5'],
    ['-BC0200-xxxxxxxxxxxx', 'BitComet 0.2.0'],
    ['-lt0D80-xxxxxxxxxxxx', 'rTorrent 0.13.8'],
    ['TIX0283-xxxxxxxxxxxx', 'Tixati 2.83'],
    ['-WW0109-xxxxxxxxxxxx', 'WebTorrent 1.9'],
    ['-TS0100-xxxxxxxxxxxx', 'Tessera 0.1.0'],
    ['-AZ5770-xxxxxxxxxxxx', 'Vuze 5.7.7.0'],
    ['-BI3100-xxxxxxxxxxxx', 'BiglyBT 3.1.0.0'],
    ['M1-2-3--xxxxxxxxxxxx', 'BitTorrent 1.2.3'],
    ['M7-10-2-xxxxxxxxxxxx', 'BitTorrent 7.10.2'],
    ['S58B-----xxxxxxxxxxx', 'Shadow 5.8.11'],
    ['T03I--xxxxxxxxxxxxxx', 'BitTornado 0.3.18'],
    ['-ZZ1234-xxxxxxxxxxxx', 'Unknown (-ZZ1234-)'],
  ];
  for (const [raw, name] of table) assert.equal(clientFromPeerId(id(raw)), name, raw);
  const old = id('exbc');
  old[4] = 0; old[5] = 59;
  assert.equal(clientFromPeerId(old), 'BitComet 0.59');
  const weird = id('\x1b[31mevil');
  assert.equal(clientFromPeerId(weird), 'Unknown (?[31mevi)');
});

test('clientFromPeerId never throws and returns printable text (fuzz)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 24 }), (b) => {
    const s = clientFromPeerId(b);
    assert.ok(s.length > 0 && s.length < 60);
    assert.ok(!/[\x00-\x1f\x7f]/.test(s), s);
  }), { numRuns: 3000 });
});
