// The Create-torrent dialog end to end: a folder of two files dropped onto the dialog (as the
// file:// path a file manager's drag carries), a v1 torrent and a hybrid one created by the real
// engine, both loaded by python3-libtorrent with the info-hashes the dialog showed; the hybrid
// one seeded at once ("Start seeding") and a libtorrent leecher completes from it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LtPeer } from '../../main/test-support/lt-peer.ts';
import { dropPath, libtorrentHashes, openToolbarDialog } from '../harness/dialogs.ts';
import type { Spec } from '../harness/spec.ts';
import { requirePython } from '../harness/tools.ts';

export const createTorrentSpec: Spec = {
  name: 'create a v1 and a hybrid torrent from a dropped folder; libtorrent loads them and leeches the seeded one',
  timeoutMs: 120_000,
  async run(ctx) {
    if (!requirePython(ctx)) return;
    const { page } = ctx.target;
    const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-create-'));
    try {
      const share = join(dir, 'share');
      await mkdir(share);
      const a = randomBytes(700 * 1024), b = randomBytes(300 * 1024 + 17);
      await writeFile(join(share, 'a.bin'), a);
      await writeFile(join(share, 'b.bin'), b);

      const hashes: Record<string, { v1: string; v2: string }> = {};
      let dialog = await openToolbarDialog(page, 'Create', 'Create torrent');
      for (const version of ['v1', 'hybrid'] as const) {
        await dropPath(page, '[data-testid="create-drop"]', share);
        assert.equal(await dialog.getByLabel('File or folder to share').inputValue(), share, 'the dropped folder fills the path');
        await dialog.getByRole('combobox', { name: 'Format' }).selectOption(version);
        const out = join(dir, `${version}.torrent`);
        await dialog.getByLabel(/^Save the \.torrent to/).fill(out);
        await dialog.getByRole('textbox', { name: /^Trackers/ }).fill('http://127.0.0.1:1/announce\n\nudp://127.0.0.1:2');
        if (version === 'hybrid') {
          await dialog.getByLabel('Start seeding').check();
          if (ctx.target.kind === 'headless') await ctx.screenshot('create-dialog');
        }
        await dialog.getByRole('textbox', { name: /^Comment/ }).press('Enter'); // Enter submits
        dialog = page.getByRole('dialog', { name: 'Torrent created' });
        await dialog.waitFor({ timeout: 60_000 });
        const v1 = await dialog.getByTestId('infohash-v1').textContent();
        const v2 = version === 'hybrid' ? await dialog.getByTestId('infohash-v2').textContent() : '';
        hashes[version] = { v1: v1 ?? '', v2: v2 ?? '' };
        const magnet = await dialog.getByLabel('Magnet link').inputValue();
        assert.ok(magnet.includes(`urn:btih:${v1 ?? ''}`), `magnet has the v1 hash: ${magnet}`);
        if (version === 'hybrid') {
          assert.ok(magnet.includes(`urn:btmh:1220${v2 ?? ''}`), `magnet has the v2 hash: ${magnet}`);
          await ctx.screenshot('create-result');
        }
        const lt = libtorrentHashes(out);
        ctx.log(`${version}: dialog v1=${v1 ?? ''} v2=${v2 ?? '-'}; libtorrent v1=${lt.v1} v2=${lt.v2 || '-'} files=${lt.files}`);
        assert.equal(lt.v1, v1, `${version}: libtorrent's v1 info-hash`);
        assert.equal(lt.v2, v2, `${version}: libtorrent's v2 info-hash`);
        assert.ok(lt.files >= 2, 'both files are in the torrent');
        if (version === 'v1') {
          await dialog.getByRole('button', { name: 'Create another' }).click();
          dialog = page.getByRole('dialog', { name: 'Create torrent' });
        }
      }
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 5000 });

      // "Start seeding": the hybrid torrent is in the list, seeding from `share`.
      const row = page.locator(`[role="row"][data-id="${hashes['hybrid']?.v1 ?? ''}"]`);
      await row.waitFor({ timeout: 20_000 });
      await page.waitForFunction((id) => /100(\.0)?\s*%/.test(document.querySelector(`[role="row"][data-id="${id}"]`)?.textContent ?? ''), hashes['hybrid']?.v1 ?? '', { timeout: 30_000 });
      // The Speed tab (uPlot) follows the upload to the leecher.
      await row.click();
      await page.getByRole('tab', { name: 'Speed' }).click();
      await page.locator('.speed-chart canvas').waitFor({ timeout: 10_000 });
      const leechDir = join(dir, 'leech');
      await mkdir(leechDir);
      const leech = new LtPeer({ mode: 'leech', torrent: join(dir, 'hybrid.torrent'), save: leechDir, connect: [`127.0.0.1:${ctx.target.enginePort}`], timeoutSec: 60 });
      try {
        await leech.waitFor((e) => e.event === 'done', 60_000);
      } finally {
        await leech.close();
      }
      assert.ok((await readFile(join(leechDir, 'share', 'a.bin'))).equals(a), 'the leecher got a.bin intact');
      assert.ok((await readFile(join(leechDir, 'share', 'b.bin'))).equals(b), 'the leecher got b.bin intact');
      ctx.log('libtorrent leecher completed from Tessera\'s seed');
      await page.waitForTimeout(1500); // one more 1 s sample on the graph
      await ctx.screenshot('detail-speed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
