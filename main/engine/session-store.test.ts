// Resume data: snapshot + journal survive a crash at any point; only pieces of files that changed
// size are re-checked; garbage in the state folder never crashes the load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, truncate, writeFile, readFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metainfo } from './metainfo/types.ts';
import { Bitfield } from './wire/bitfield.ts';
import { SessionStore } from './session-store.ts';
import type { Torrent } from './torrent.ts';

const PL = 16384;
function meta(): Metainfo {
  return {
    version: 'v1', infoBytes: new Uint8Array(), name: 'p', pieceLength: PL, pieceCount: 6, totalLength: 6 * PL,
    files: [{ path: ['a'], length: 3 * PL, offset: 0, padding: false, attr: '' }, { path: ['b'], length: 3 * PL, offset: 3 * PL, padding: false, attr: '' }],
    multiFile: true, private: false, announce: [], urlList: [], httpSeeds: [],
  };
}

/** `written`: the file indices its store reports written since the previous save (then emptied). */
function fakeTorrent(m: Metainfo, savePath: string, have: Bitfield, written = new Set<number>()): Torrent {
  const store = { takeWritten: () => { const w = new Set(written); written.clear(); return w; } };
  return { id: 'ab'.repeat(20), meta: m, savePath, paused: false, uploaded: 5, downloaded: 7, filePriorities: ['normal', 'normal'],
    haveBitfield: () => have.clone(), store } as unknown as Torrent;
}

/** The two-file torrent's data (both files full length, zeros) under dir/dl and a store in dir/state. */
async function twoFileStore(dir: string): Promise<{ m: Metainfo; save: string; store: SessionStore }> {
  const save = join(dir, 'dl');
  await mkdir(join(save, 'p'), { recursive: true });
  await writeFile(join(save, 'p', 'a'), Buffer.alloc(3 * PL));
  await writeFile(join(save, 'p', 'b'), Buffer.alloc(3 * PL));
  return { m: meta(), save, store: new SessionStore(join(dir, 'state')) };
}

test('snapshot + journal: a piece journaled after the snapshot is kept; changed files are re-checked', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-store-'));
  try {
    const { m, save, store } = await twoFileStore(dir);
    const have = new Bitfield(6);
    have.set(0); have.set(4);
    const t = fakeTorrent(m, save, have);
    await store.saveResume(t);
    // Verified after the snapshot: only in the journal (then the process dies: no close()).
    await store.journal(t.id, 1);
    await store.journal(t.id, 5);
    const r = await store.loadResume(t.id, m, save);
    assert.ok(r);
    const got = new Bitfield(6, r.have);
    assert.deepEqual([...got.setBits()], [0, 1, 4, 5]);
    assert.equal(r.journaled, 2);
    assert.deepEqual(r.recheck, []);
    assert.equal(r.uploaded, 5);
    // Someone truncates file b: its pieces (3..5) that we claim must be re-checked, a's are trusted.
    await truncate(join(save, 'p', 'b'), PL);
    const r2 = await store.loadResume(t.id, m, save);
    assert.deepEqual(r2?.recheck.sort(), [4, 5]);
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a new snapshot folds the journal in; garbage state files load as "no resume data"', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-store-'));
  try {
    const m = meta();
    const store = new SessionStore(join(dir, 'state'));
    const have = new Bitfield(6);
    const t = fakeTorrent(m, join(dir, 'dl'), have);
    await store.journal(t.id, 2);
    have.set(2);
    have.set(3);
    await store.saveResume(t); // covers 2 and 3: the journal is emptied
    await assert.rejects(readFile(join(dir, 'state', `${t.id}.journal`)));
    await writeFile(join(dir, 'state', `${t.id}.resume.json`), '{not json');
    await writeFile(join(dir, 'state', `${t.id}.journal`), Buffer.from([0, 0, 0, 99, 0, 0])); // out of range + torn entry
    assert.equal(await store.loadResume(t.id, m, join(dir, 'dl')), undefined);
    await writeFile(join(dir, 'state', 'torrents.json'), '[{"id": 5}, "x", {"id": "zz"}]');
    assert.deepEqual(await store.loadList(), []);
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file complete at snapshot time and modified later is re-checked; an incomplete one is not', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-store-'));
  try {
    const { m, save, store } = await twoFileStore(dir);
    const have = new Bitfield(6);
    for (const p of [0, 1, 2, 4]) have.set(p); // a complete, b partial
    await store.saveResume(fakeTorrent(m, save, have));
    // Both files' mtimes move: b's because we are still writing it (fine), a's behind our back.
    const later = new Date(Date.now() + 5000);
    await utimes(join(save, 'p', 'a'), later, later);
    await utimes(join(save, 'p', 'b'), later, later);
    const r = await store.loadResume('ab'.repeat(20), m, save);
    assert.deepEqual(r?.recheck.sort(), [0, 1, 2]);
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a later save stats again only the files the engine wrote since the previous one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-store-'));
  try {
    const { m, save, store } = await twoFileStore(dir);
    const have = new Bitfield(6);
    const written = new Set<number>();
    const t = fakeTorrent(m, save, have, written);
    const saved = async (): Promise<Array<{ size: number } | null>> => {
      await store.saveResume(t);
      return (JSON.parse(await readFile(join(dir, 'state', `${t.id}.resume.json`), 'utf8')) as { files: Array<{ size: number } | null> }).files;
    };
    assert.deepEqual((await saved()).map((f) => f?.size), [3 * PL, 3 * PL]);
    await truncate(join(save, 'p', 'a'), PL);
    await truncate(join(save, 'p', 'b'), PL);
    written.add(1); // the engine wrote b; a changed behind its back
    assert.deepEqual((await saved()).map((f) => f?.size), [3 * PL, PL], 'only b is stat\'ed again');
    // The load still sees a as it is on disk: shrunk, so its pieces are rechecked.
    have.set(0);
    written.add(1);
    await store.saveResume(t);
    const r = await store.loadResume(t.id, m, save);
    assert.deepEqual(r?.recheck, [0]);
    assert.deepEqual((await saved()).map((f) => f?.size), [3 * PL, PL], 'nothing written since: the previous stats');
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
