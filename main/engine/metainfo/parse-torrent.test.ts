import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseTorrent } from './parse-torrent.ts';
import { bencode, dict, str } from '../bencode/encode.ts';
import { keyOf, type BDict, type BValue } from '../bencode/decode.ts';
import { createTorrent } from './create-torrent.ts';
import { TesseraError } from '../errors.ts';
import { toHex } from './hex.ts';

const te = new TextEncoder();

function v1Torrent(files: { path: string[]; length: number }[] | number, pl = 16384, extra: Record<string, BValue | string> = {}): Uint8Array {
  const total = typeof files === 'number' ? files : files.reduce((s, f) => s + f.length, 0);
  const info = dict({ name: 'test', 'piece length': pl, pieces: new Uint8Array(Math.ceil(total / pl) * 20).fill(7) });
  if (typeof files === 'number') info.set(keyOf('length'), files);
  else info.set(keyOf('files'), files.map((f) => dict({ length: f.length, path: f.path.map(str) })));
  const top = dict({ announce: 'http://t/a', ...extra });
  top.set(keyOf('info'), info);
  return bencode(top);
}

function expectInvalid(bytes: Uint8Array, field: RegExp): void {
  assert.throws(() => parseTorrent(bytes), (e: unknown) => {
    assert.ok(e instanceof TesseraError, String(e));
    assert.ok(e.code === 'METAINFO_INVALID' || e.code === 'BENCODE_INVALID', e.code);
    assert.match(e.message, field);
    return true;
  });
}

test('v1 single file: fields, info-hash over the exact info bytes', () => {
  const bytes = v1Torrent(40000, 16384, { comment: 'c', 'created by': 'me', 'creation date': 1700000000 });
  const m = parseTorrent(bytes);
  assert.equal(m.version, 'v1');
  assert.equal(m.pieceCount, 3);
  assert.equal(m.totalLength, 40000);
  assert.deepEqual(m.files, [{ path: ['test'], length: 40000, offset: 0, padding: false, attr: '' }]);
  assert.equal(m.multiFile, false);
  assert.deepEqual(m.announce, [['http://t/a']]);
  assert.equal(m.comment, 'c');
  assert.equal(m.creationDate, 1700000000);
  const text = Buffer.from(bytes).toString('latin1');
  const start = text.indexOf('4:infod') + 6;
  const info = bytes.subarray(start, bytes.length - 1);
  assert.equal(toHex(m.infoHashV1!), createHash('sha1').update(info).digest('hex'));
});

test('info-hash is taken over the bytes as written, even when keys are not sorted', () => {
  // 'pieces' before 'name' and 'length': not canonical, but the hash must use these bytes.
  const info = 'd6:pieces20:aaaaaaaaaaaaaaaaaaaa4:name1:x12:piece lengthi16384e6:lengthi5ee';
  const bytes = te.encode(`d4:info${info}e`);
  const m = parseTorrent(bytes);
  assert.equal(toHex(m.infoHashV1!), createHash('sha1').update(info).digest('hex'));
  assert.equal(Buffer.from(m.infoBytes).toString(), info);
});

test('multi-file with BEP 47 pad files, announce-list tiers and url-list', () => {
  const files = [{ path: ['a'], length: 10 }, { path: ['.pad', '16374'], length: 16374 }, { path: ['d', 'b'], length: 5 }];
  const top = dict({ 'announce-list': [[str('http://a'), str('http://b')], [str('udp://c')]], 'url-list': 'http://ws/' });
  const info = dict({ name: 'n', 'piece length': 16384, pieces: new Uint8Array(40) });
  info.set(keyOf('files'), files.map((f, i) => dict({ length: f.length, path: f.path.map(str), attr: i === 1 ? 'p' : undefined })));
  top.set(keyOf('info'), info);
  const m = parseTorrent(bencode(top));
  assert.equal(m.multiFile, true);
  assert.deepEqual(m.files.map((f) => [f.path.join('/'), f.offset, f.padding]), [['a', 0, false], ['.pad/16374', 10, true], ['d/b', 16384, false]]);
  assert.deepEqual(m.announce, [['http://a', 'http://b'], ['udp://c']]);
  assert.deepEqual(m.urlList, ['http://ws/']);
});

test('rejects bad fields, naming the field and the reason', () => {
  expectInvalid(te.encode('le'), /top level must be a dictionary/);
  expectInvalid(te.encode('d8:announce1:xe'), /info: is missing/);
  expectInvalid(te.encode('d4:infoi1ee'), /info: must be a dictionary/);
  const base = (mut: (info: BDict) => void, top?: (t: BDict) => void): Uint8Array => {
    const info = dict({ name: 'x', 'piece length': 16384, pieces: new Uint8Array(20), length: 100 });
    mut(info);
    const t = dict({});
    t.set(keyOf('info'), info);
    top?.(t);
    return bencode(t);
  };
  expectInvalid(base((i) => i.delete(keyOf('name'))), /info\.name: is missing/);
  expectInvalid(base((i) => i.set(keyOf('name'), 5)), /info\.name: must be a string/);
  expectInvalid(base((i) => i.set(keyOf('name'), str('..'))), /info\.name: path component "\.\."/);
  expectInvalid(base((i) => i.set(keyOf('piece length'), 0)), /info\.piece length: must be positive/);
  expectInvalid(base((i) => i.set(keyOf('pieces'), new Uint8Array(21))), /info\.pieces: length 21 is not a multiple of 20/);
  expectInvalid(base((i) => i.set(keyOf('pieces'), new Uint8Array(40))), /info\.pieces: has 2 hashes but the files \(100 bytes\) need 1/);
  expectInvalid(base((i) => i.delete(keyOf('length'))), /neither "length" nor "files"/);
  expectInvalid(base((i) => i.set(keyOf('length'), -1)), /info\.length: is negative/);
  expectInvalid(base((i) => i.set(keyOf('length'), str('1'))), /info\.length: must be an integer/);
  expectInvalid(base(() => {}, (t) => t.set(keyOf('announce'), 3)), /announce: must be a string/);
  expectInvalid(base(() => {}, (t) => t.set(keyOf('announce-list'), [str('x')])), /announce-list\[0\]: must be a list/);
  expectInvalid(base((i) => i.set(keyOf('meta version'), 3)), /meta version: unsupported version 3/);
  expectInvalid(base((i) => i.set(keyOf('meta version'), 2)), /file tree: is missing/);
  for (const [comp, why] of [['', /is empty/], ['.', /is "\."/], ['..', /is "\.\."/], ['a/b', /separator/], ['a\\b', /separator/], ['x\0y', /NUL/], ['C:x', /drive/]] as const) {
    expectInvalid(v1Torrent([{ path: ['ok', comp], length: 3 }]), why);
  }
  expectInvalid(v1Torrent([{ path: [], length: 3 }]), /info\.files\[0\]\.path: is empty/);
  // Each way a v1 file entry can be wrong names the entry and the field (the parser checks the
  // common case inline and builds these messages only on an error).
  const files = (...entries: BValue[]): Uint8Array => base((i) => { i.delete(keyOf('length')); i.set(keyOf('files'), [dict({ length: 1, path: [str('ok')] }), ...entries]); });
  expectInvalid(files(5), /info\.files\[1\]: must be a dictionary/);
  expectInvalid(files(dict({ path: [str('a')] })), /info\.files\[1\]\.length: is missing/);
  expectInvalid(files(dict({ length: -2, path: [str('a')] })), /info\.files\[1\]\.length: is negative/);
  expectInvalid(files(dict({ length: str('2'), path: [str('a')] })), /info\.files\[1\]\.length: must be an integer/);
  expectInvalid(files(dict({ length: 2 })), /info\.files\[1\]\.path: is missing/);
  expectInvalid(files(dict({ length: 2, path: str('a') })), /info\.files\[1\]\.path: must be a list/);
  expectInvalid(files(dict({ length: 2, path: [str('a'), 7] })), /info\.files\[1\]\.path\[1\]: must be a string/);
  expectInvalid(files(dict({ length: 2, path: [str('a')], attr: 3 })), /info\.files\[1\]\.attr: must be a string/);
  expectInvalid(files(dict({ length: 2, path: [str('..')] })), /info\.files\[1\]\.path: path component "\.\."/);
  // Windows device names are valid metadata (refused only when writing, by safeJoin).
  assert.deepEqual(parseTorrent(v1Torrent([{ path: ['src', 'aux.c'], length: 3 }])).files[0]!.path, ['src', 'aux.c']);
});

test('v2 needs a power-of-two piece length of at least 16 KiB', () => {
  const mk = (pl: number): Uint8Array => {
    const info = dict({ name: 'x', 'piece length': pl, 'meta version': 2 });
    info.set(keyOf('file tree'), new Map([[keyOf('x'), new Map([['', dict({ length: 10, 'pieces root': new Uint8Array(32) })]])]]));
    const t = dict({});
    t.set(keyOf('info'), info);
    return bencode(t);
  };
  expectInvalid(mk(8192), /power of two of at least 16 KiB/);
  expectInvalid(mk(3 * 16384), /power of two/);
});

async function withTree<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-parse-'));
  try {
    await mkdir(path.join(dir, 'src', 'sub'), { recursive: true });
    const data = new Uint8Array(100_000).map((_, i) => (i * 31 + 7) & 0xff);
    await writeFile(path.join(dir, 'src', 'big.bin'), data);
    await writeFile(path.join(dir, 'src', 'sub', 'small.txt'), 'hello');
    await writeFile(path.join(dir, 'src', 'empty'), '');
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('v2 and hybrid from createTorrent parse back with consistent files and piece layers', async () => {
  await withTree(async (dir) => {
    for (const version of ['v2', 'hybrid'] as const) {
      const { bytes, meta } = await createTorrent(path.join(dir, 'src'), { version, pieceLength: 32768, creationDate: null });
      const m = parseTorrent(bytes);
      assert.equal(m.version, version);
      assert.deepEqual(m, meta);
      const real = m.files.filter((f) => !f.padding);
      assert.deepEqual(real.map((f) => f.path.join('/')), ['big.bin', 'empty', 'sub/small.txt']);
      assert.equal(m.pieceLayers!.size, 1);
      assert.ok(real[0]!.piecesRoot && !real[1]!.piecesRoot && real[2]!.piecesRoot);
      for (const f of real) if (f.length > 0) assert.equal(f.offset % 32768, 0);
      if (version === 'v2') assert.equal(m.pieceCount, 4 + 1);
      // A corrupted piece layer is caught.
      const layer = m.pieceLayers!.values().next().value!;
      const at = Buffer.from(bytes).indexOf(Buffer.from(layer));
      const broken = bytes.slice();
      broken[at] = broken[at]! ^ 1;
      expectInvalid(broken, /piece layers.*does not hash to the file's pieces root/);
    }
  });
});

test('property: round-trip of random v1 metainfo through encode and parseTorrent', () => {
  const comp = fc.string({ unit: fc.constantFrom(...'abcXYZ019 _-.é'.split('')), minLength: 1, maxLength: 8 }).filter((c) => c !== '.' && c !== '..');
  fc.assert(fc.property(
    fc.array(fc.record({ path: fc.array(comp, { minLength: 1, maxLength: 3 }), length: fc.nat(100_000) }), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 14, max: 20 }),
    fc.array(fc.array(fc.webUrl(), { minLength: 1, maxLength: 3 }), { maxLength: 3 }),
    fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    fc.boolean(),
    (files, exp, tiers, comment, priv) => {
      const pl = 2 ** exp;
      const total = files.reduce((s, f) => s + f.length, 0);
      const pieces = new Uint8Array(Math.ceil(total / pl) * 20).map((_, i) => i & 0xff);
      const info = dict({ name: 'root', 'piece length': pl, pieces, private: priv ? 1 : undefined });
      info.set(keyOf('files'), files.map((f) => dict({ length: f.length, path: f.path.map(str) })));
      const top = dict({ comment, 'announce-list': tiers.length ? tiers.map((t) => t.map(str)) : undefined });
      top.set(keyOf('info'), info);
      const m = parseTorrent(bencode(top));
      assert.deepEqual(m.files.map((f) => [f.path, f.length]), files.map((f) => [f.path, f.length]));
      assert.equal(m.totalLength, total);
      assert.equal(m.pieceCount, pieces.length / 20);
      assert.deepEqual(m.pieces, pieces);
      assert.deepEqual(m.announce, tiers);
      assert.equal(m.comment, comment);
      assert.equal(m.private, priv);
    },
  ), { numRuns: 200 });
});

test('property: mutated and truncated torrents never throw anything but a TesseraError', async () => {
  await withTree(async (dir) => {
    const seeds: Uint8Array[] = [];
    for (const version of ['v1', 'v2', 'hybrid'] as const) {
      seeds.push((await createTorrent(path.join(dir, 'src'), { version, pieceLength: 16384, announce: [['http://t/']] })).bytes);
    }
    seeds.push(v1Torrent([{ path: ['a'], length: 5 }]));
    fc.assert(fc.property(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 6 }),
      fc.option(fc.nat(), { nil: undefined }),
      (seed, edits, cut) => {
        let arr = Array.from(seed);
        for (const [pos, byte, op] of edits) {
          const at = pos % (arr.length + 1);
          if (op === 'set' && at < arr.length) arr[at] = byte;
          else if (op === 'insert') arr.splice(at, 0, byte);
          else arr.splice(at, 1);
        }
        if (cut !== undefined) arr = arr.slice(0, cut % (arr.length + 1));
        try { parseTorrent(Uint8Array.from(arr)); } catch (e) {
          assert.ok(e instanceof TesseraError && (e.code === 'METAINFO_INVALID' || e.code === 'BENCODE_INVALID'), String(e));
        }
      },
    ), { numRuns: 1500 });
  });
});

test('property: random bytes never throw anything but a TesseraError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (u) => {
    try { parseTorrent(u); } catch (e) { assert.ok(e instanceof TesseraError, String(e)); }
  }), { numRuns: 2000 });
});

test('a dictionary key named __proto__ is just a key', () => {
  const bytes = te.encode('d9:__proto__d4:infoi1ee4:infod6:lengthi1e4:name1:x12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaaee');
  assert.equal(parseTorrent(bytes).name, 'x');
});

test('a dense but legitimate torrent (20,000 one-letter files) fits the decoder\'s memory budget', () => {
  const files = Array.from({ length: 20_000 }, (_, i) => ({ path: [String.fromCharCode(97 + (i % 26)), String(i)], length: i % 3 }));
  const m = parseTorrent(v1Torrent(files));
  assert.equal(m.files.length, 20_000);
});
