// Files tab, "Don't download": a three-file torrent seeded by python3-libtorrent is added paused
// (the 'start torrents paused' setting), its middle file is set to skip in the Files tab, then it
// is resumed from the toolbar. The other two files arrive byte-identical and the skipped one is
// never created on disk — not even the bytes it shares with its neighbours' pieces.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from '../../main/engine/metainfo/create-torrent.ts';
import { toHex } from '../../main/engine/metainfo/hex.ts';
import { LtPeer } from '../../main/test-support/lt-peer.ts';
import { engineInvoke } from '../harness/engine-api.ts';
import type { Spec } from '../harness/spec.ts';
import { requirePython } from '../harness/tools.ts';
import { addWithFileInput, openTab, row } from '../harness/ui.ts';

const PIECE = 32 * 1024;

async function sameFile(a: string, b: string): Promise<boolean> {
  try { return (await readFile(a)).equals(await readFile(b)); } catch { return false; }
}

export const skipFileSpec: Spec = {
  name: 'skip one file of a multi-file torrent in the Files tab: the rest completes, the skipped file is never created',
  timeoutMs: 120_000,
  async run(ctx) {
    if (!requirePython(ctx)) return;
    const { page } = ctx.target;
    const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-skip-'));
    let seed: LtPeer | undefined;
    try {
      const seedDir = join(dir, 'seed');
      await mkdir(join(seedDir, 'mdata'), { recursive: true });
      // Sizes off the piece grid, so skip.bin shares a piece with each neighbour.
      await writeFile(join(seedDir, 'mdata', 'a.bin'), randomBytes(300 * 1024 + 17));
      await writeFile(join(seedDir, 'mdata', 'skip.bin'), randomBytes(256 * 1024 + 5));
      await writeFile(join(seedDir, 'mdata', 'c.bin'), randomBytes(200 * 1024 + 3));
      const { bytes, meta } = await createTorrent(join(seedDir, 'mdata'), { version: 'v1', pieceLength: PIECE, creationDate: null });
      const torrentFile = join(dir, 'mdata.torrent');
      await writeFile(torrentFile, bytes);
      const infoHash = toHex(meta.infoHashV1 ?? new Uint8Array());

      const set = await engineInvoke(ctx.target, 'settings:set', { startPaused: true });
      assert.ok(set.ok, JSON.stringify(set));
      await addWithFileInput(page, torrentFile);
      const r = row(page, infoHash);
      await r.waitFor({ timeout: 20_000 });
      await page.waitForFunction((id) => /paused/i.test(document.querySelector(`[role="row"][data-id="${id}"]`)?.textContent ?? ''), infoHash, { timeout: 10_000 });
      const out = join(ctx.target.downloadDir, 'mdata');
      await r.click();
      await openTab(page, 'Files');
      const prio = page.getByLabel('Priority of mdata/skip.bin').or(page.getByLabel('Priority of skip.bin'));
      await prio.selectOption('skip');
      await page.waitForFunction(() => [...document.querySelectorAll('select')].some((s) => /skip\.bin/.test(s.getAttribute('aria-label') ?? '') && s.value === 'skip'), null, { timeout: 5000 });
      await ctx.screenshot('detail-files-skip');

      seed = new LtPeer({ mode: 'seed', torrent: torrentFile, save: seedDir, connect: [`127.0.0.1:${ctx.target.enginePort}`], timeoutSec: 100 });
      await seed.port();
      await page.getByRole('toolbar', { name: 'Torrent actions' }).getByRole('button', { name: 'Resume' }).click();
      ctx.log('resumed with skip.bin skipped; waiting for a.bin and c.bin');

      const end = Date.now() + 60_000;
      while (!((await sameFile(join(out, 'a.bin'), join(seedDir, 'mdata', 'a.bin'))) && (await sameFile(join(out, 'c.bin'), join(seedDir, 'mdata', 'c.bin'))))) {
        if (Date.now() > end) throw new Error(`the wanted files did not complete in 60 s (on disk: ${await readdir(out).catch(() => [])})`);
        await new Promise((res) => setTimeout(res, 250));
      }
      // The UI agrees: both wanted files at 100 % in the Files tab... and the torrent is done.
      await page.waitForFunction((id) => /seeding|finished|complete/i.test(document.querySelector(`[role="row"][data-id="${id}"]`)?.textContent ?? ''), infoHash, { timeout: 20_000 });
      await assert.rejects(stat(join(out, 'skip.bin')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT', 'skip.bin was created');
      assert.deepEqual((await readdir(out)).sort(), ['a.bin', 'c.bin']);
      ctx.log(`downloaded: ${(await readdir(out)).join(', ')}; skip.bin absent`);
    } finally {
      await seed?.close();
      await engineInvoke(ctx.target, 'settings:set', { startPaused: false }).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  },
};
