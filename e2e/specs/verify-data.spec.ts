// The Verify dialog end to end: a two-file torrent's data with ONE corrupted byte in the second
// file shows exactly one bad piece, in that file, on the piece bar's label and in the file table;
// "Re-download bad pieces" adds the torrent against that folder and a libtorrent seed repairs it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from '../../main/engine/metainfo/create-torrent.ts';
import { toHex } from '../../main/engine/metainfo/hex.ts';
import { LtPeer } from '../../main/test-support/lt-peer.ts';
import { openToolbarDialog } from '../harness/dialogs.ts';
import type { Spec } from '../harness/spec.ts';
import { requirePython } from '../harness/tools.ts';
import { row } from '../harness/ui.ts';

const PIECE = 32 * 1024;

export const verifyDataSpec: Spec = {
  name: 'verify a folder with one corrupted byte: one bad piece in the right file, repaired from a libtorrent seed',
  timeoutMs: 120_000,
  async run(ctx) {
    if (!requirePython(ctx)) return;
    const { page } = ctx.target;
    const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-verify-'));
    try {
      const seedDir = join(dir, 'seed');
      await mkdir(join(seedDir, 'vdata'), { recursive: true });
      const x = randomBytes(256 * 1024), y = randomBytes(512 * 1024 + 999);
      await writeFile(join(seedDir, 'vdata', 'x.bin'), x);
      await writeFile(join(seedDir, 'vdata', 'y.bin'), y);
      const { bytes, meta } = await createTorrent(join(seedDir, 'vdata'), { version: 'v1', pieceLength: PIECE, creationDate: null });
      const torrentFile = join(dir, 'vdata.torrent');
      await writeFile(torrentFile, bytes);
      const infoHash = toHex(meta.infoHashV1 ?? new Uint8Array());

      const mine = join(dir, 'mine');
      await cp(seedDir, mine, { recursive: true });
      const at = 100_000; // inside y.bin
      const broken = Buffer.from(y);
      broken[at] = (broken[at] ?? 0) ^ 0xff;
      await writeFile(join(mine, 'vdata', 'y.bin'), broken);
      const badPiece = Math.floor((x.length + at) / PIECE);

      const dialog = await openToolbarDialog(page, 'Verify', 'Verify data');
      await dialog.getByLabel('Torrent file to verify').setInputFiles(torrentFile);
      await dialog.getByRole('textbox', { name: /^Folder with the data/ }).fill(mine);
      await dialog.getByRole('button', { name: 'Verify', exact: true }).click();
      await dialog.getByRole('img', { name: `Verified pieces: 1 bad of ${meta.pieceCount}` }).waitFor({ timeout: 30_000 });
      assert.equal(await dialog.getByRole('status').textContent(), `1 of ${meta.pieceCount} pieces bad, in 1 file.`);
      const yRow = dialog.locator('tr', { hasText: 'y.bin' });
      assert.equal(await yRow.getAttribute('data-status'), 'bad');
      assert.match((await yRow.textContent()) ?? '', /1 bad piece/);
      assert.equal(await dialog.locator('tr', { hasText: 'x.bin' }).getAttribute('data-status'), 'ok');
      // The bar is red exactly around piece `badPiece`.
      const red = await page.evaluate((bp) => {
        const c = document.querySelector<HTMLCanvasElement>('dialog[open] canvas[aria-label^="Verified pieces"]');
        const ctx2 = c?.getContext('2d');
        if (!c || !ctx2) throw new Error('no verify bar');
        const px = ctx2.getImageData(0, 0, c.width, 1).data;
        const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(getComputedStyle(document.documentElement).getPropertyValue('--error').trim().replace(/^#(..)(..)(..)$/, (_s, r: string, g: string, b: string) => `rgb(${parseInt(r, 16)},${parseInt(g, 16)},${parseInt(b, 16)})`));
        const want = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
        const xs: number[] = [];
        for (let i = 0; i < c.width; i++) if (px[i * 4] === want[0] && px[i * 4 + 1] === want[1] && px[i * 4 + 2] === want[2]) xs.push(i);
        return { width: c.width, first: xs[0] ?? -1, last: xs[xs.length - 1] ?? -1, bp };
      }, badPiece);
      const lo = Math.floor((badPiece * red.width) / meta.pieceCount), hi = Math.ceil(((badPiece + 1) * red.width) / meta.pieceCount);
      assert.ok(red.first >= lo - 1 && red.last <= hi && red.first >= 0, `red pixels ${red.first}..${red.last} lie on piece ${badPiece} (${lo}..${hi} of ${red.width})`);
      ctx.log(`bad piece ${badPiece} of ${meta.pieceCount}; red pixels ${red.first}..${red.last}`);
      await ctx.screenshot('verify-dialog');

      await dialog.getByRole('button', { name: 'Re-download bad pieces' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 10_000 });
      const r = row(page, infoHash);
      await r.waitFor({ timeout: 20_000 });
      const seed = new LtPeer({ mode: 'seed', torrent: torrentFile, save: seedDir, connect: [`127.0.0.1:${ctx.target.enginePort}`], timeoutSec: 60 });
      try {
        await seed.port();
        await page.waitForFunction((id) => /100(\.0)?\s*%/.test(document.querySelector(`[role="row"][data-id="${id}"]`)?.textContent ?? ''), infoHash, { timeout: 60_000 });
      } finally {
        await seed.close();
      }
      assert.ok((await readFile(join(mine, 'vdata', 'y.bin'))).equals(y), 'y.bin is repaired');
      assert.ok((await readFile(join(mine, 'vdata', 'x.bin'))).equals(x), 'x.bin is untouched');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
