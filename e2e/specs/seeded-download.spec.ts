// The acceptance test of the app: a torrent seeded by python3-libtorrent on loopback, added
// through the UI (the Add file input, or a drop of the .torrent file), reaches 100 % with a full
// piece bar, the seed shows in the peer table, and the data on disk is the seed's data.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Spec, SpecContext } from '../harness/spec.ts';
import { engineInvoke } from '../harness/engine-api.ts';
import { makeFixture, startSeed, type Fixture } from '../harness/fixtures.ts';
import { requirePython } from '../harness/tools.ts';
import { addWithFileInput, dropFile, openTab, pieceMapPixels, row, waitFullPieceMap } from '../harness/ui.ts';

const SIZE = 3 * 1024 * 1024;
/** Slow enough to watch the transfer (and see the seed in the peer table) for a few seconds. */
const RATE = 600 * 1024;

async function seededDownload(ctx: SpecContext, f: Fixture, add: () => Promise<void>, shots: boolean): Promise<void> {
  const { target, log } = ctx;
  const page = target.page;
  const set = await engineInvoke(target, 'settings:set', { maxDownloadRate: RATE });
  assert.ok(set.ok, JSON.stringify(set));

  await add();
  const r = row(page, f.infoHash);
  await r.waitFor({ timeout: 20_000 });
  log(`added ${f.name} (${f.pieceCount} pieces); starting the libtorrent seed → 127.0.0.1:${target.enginePort}`);
  const seed = startSeed(f, target.enginePort);
  try {
    await seed.port();
    await r.click();
    await openTab(page, 'Peers');
    const peerRow = page.locator('table.peers-table tbody tr', { hasText: '127.0.0.1' });
    await peerRow.first().waitFor({ timeout: 30_000 });
    const peerText = (await peerRow.first().textContent()) ?? '';
    assert.match(peerText, /libtorrent/i, `the seed's client name in the peer table: ${peerText}`);
    log(`peer table: ${peerText.replace(/\s+/g, ' ').slice(0, 80)}`);
    if (shots) await ctx.screenshot('detail-peers');

    await openTab(page, 'Pieces');
    if (shots) await ctx.screenshot('detail-pieces-downloading');
    await waitFullPieceMap(page, f.pieceCount, 90_000);
    await page.waitForTimeout(300); // let the canvas repaint after the label changed
    const px = await pieceMapPixels(page);
    assert.ok(px.width > 0, 'the piece map has a width');
    assert.equal(px.offColour, 0, `every pixel of the piece bar is the "have" colour ${px.haveColour} (first pixel ${px.sample})`);
    await page.waitForFunction((id) => /100(\.0)?\s*%/.test(document.querySelector(`[role="row"][data-id="${id}"]`)?.textContent ?? ''), f.infoHash, { timeout: 15_000 });
    if (shots) {
      await ctx.screenshot('detail-pieces-complete');
      await openTab(page, 'General');
      await ctx.screenshot('torrent-list');
    }
  } finally {
    await seed.close();
  }
  const got = await readFile(join(target.downloadDir, f.name));
  const want = await readFile(join(f.seedDir, f.name));
  assert.ok(got.equals(want), 'the downloaded file is byte-identical to the seed\'s');
}

export const addFileSeeded: Spec = {
  name: 'add a torrent seeded by libtorrent: 100 %, full piece bar, seed in the peer table',
  async run(ctx) {
    if (!requirePython(ctx)) return;
    const f = await makeFixture('e2e-add-file.bin', SIZE);
    try {
      await ctx.screenshot('empty-list');
      await seededDownload(ctx, f, () => addWithFileInput(ctx.target.page, f.torrentFile), true);
    } finally {
      await f.cleanup();
    }
  },
};

export const dropFileSeeded: Spec = {
  name: 'add the same by dropping the .torrent file',
  async run(ctx) {
    if (!requirePython(ctx)) return;
    const f = await makeFixture('e2e-dropped.bin', SIZE);
    try {
      await seededDownload(ctx, f, () => dropFile(ctx.target.page, f.torrentFile, () => ctx.screenshot('drop-overlay')), false);
    } finally {
      await f.cleanup();
    }
  },
};
