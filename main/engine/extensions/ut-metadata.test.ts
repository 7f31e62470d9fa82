import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { TesseraError } from '../errors.ts';
import {
  MAX_METADATA_SIZE, METADATA_PIECE, MetadataAssembler, decodeMetadataMessage, encodeMetadataMessage, serveMetadataPiece,
} from './ut-metadata.ts';

const info = new Uint8Array(40_000).map((_, i) => (i * 7) & 0xff);
const v1 = createHash('sha1').update(info).digest();

test('ut_metadata messages round-trip, data carries the bytes after the dict', () => {
  for (const m of [{ type: 'request', piece: 3 }, { type: 'reject', piece: 0 }] as const) {
    assert.deepEqual(decodeMetadataMessage(encodeMetadataMessage(m)), m);
  }
  const d = serveMetadataPiece(info, 2);
  assert.equal(d.type, 'data');
  const back = decodeMetadataMessage(encodeMetadataMessage(d));
  assert.equal(back.type, 'data');
  if (back.type === 'data') {
    assert.equal(back.totalSize, info.length);
    assert.deepEqual(back.data, info.subarray(2 * METADATA_PIECE));
  }
  assert.equal(serveMetadataPiece(info, 3).type, 'reject', 'a piece past the end is rejected');
});

test('the assembler accepts a correct copy and names a wrong one', () => {
  const a = new MetadataAssembler(info.length, { v1 });
  const asked: number[] = [];
  for (let p = a.nextRequest(); p !== undefined; p = a.nextRequest()) asked.push(p);
  assert.deepEqual(asked, [0, 1, 2]);
  assert.equal(a.onData(0, info.length, info.subarray(0, METADATA_PIECE)).kind, 'more');
  assert.equal(a.onData(1, info.length, info.subarray(0, 10)).kind, 'bad', 'short piece');
  assert.equal(a.onData(1, info.length + 1, info.subarray(METADATA_PIECE, 2 * METADATA_PIECE)).kind, 'bad', 'size changed');
  assert.equal(a.onData(9, info.length, info.subarray(0, 10)).kind, 'bad', 'piece out of range');
  assert.equal(a.onData(1, info.length, info.subarray(METADATA_PIECE, 2 * METADATA_PIECE)).kind, 'more');
  const r = a.onData(2, info.length, info.subarray(2 * METADATA_PIECE));
  assert.equal(r.kind, 'done');
  if (r.kind === 'done') assert.deepEqual(r.info, info);

  const b = new MetadataAssembler(info.length, { v1 });
  const wrong = Uint8Array.from(info);
  wrong[5] = (wrong[5] ?? 0) ^ 1;
  b.onData(0, info.length, wrong.subarray(0, METADATA_PIECE));
  b.onData(1, info.length, wrong.subarray(METADATA_PIECE, 2 * METADATA_PIECE));
  assert.equal(b.onData(2, info.length, wrong.subarray(2 * METADATA_PIECE)).kind, 'bad');

  const v2 = createHash('sha256').update(info.subarray(0, 100)).digest();
  const c = new MetadataAssembler(100, { v2 });
  assert.equal(c.onData(0, 100, info.subarray(0, 100)).kind, 'done', 'v2 magnets check SHA-256');
});

test('sizes are capped before anything is allocated', () => {
  assert.throws(() => new MetadataAssembler(MAX_METADATA_SIZE + 1, { v1 }), TesseraError);
  assert.throws(() => new MetadataAssembler(0, { v1 }), TesseraError);
});

test('decoding arbitrary bytes only ever throws TesseraError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
    try { decodeMetadataMessage(bytes); } catch (e) { assert.ok(e instanceof TesseraError, String(e)); }
  }), { numRuns: 2000 });
});
