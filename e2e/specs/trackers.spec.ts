// Trackers tab against Debian's opentracker: a python3-libtorrent seed announces to it, Tessera
// adds the torrent (whose only tracker it is), and the tab shows the tracker's scrape counts
// (seeders ≥ 1, with a scrape time, so the numbers came from a scrape and not only from the
// announce reply). Then add a tracker through the tab (a bad address is refused in plain words,
// a good one appears in a new tier) and remove it again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpTracker } from '../../main/engine/discovery/http-tracker.ts';
import { createTorrent } from '../../main/engine/metainfo/create-torrent.ts';
import { toHex } from '../../main/engine/metainfo/hex.ts';
import { LtPeer } from '../../main/test-support/lt-peer.ts';
import { startOpentracker, type Opentracker } from '../harness/opentracker.ts';
import type { Spec, SpecContext } from '../harness/spec.ts';
import { requirePython, SpecSkipped } from '../harness/tools.ts';
import { addWithFileInput, openTab, row } from '../harness/ui.ts';

function requireOpentracker(ctx: SpecContext): void {
  if (spawnSync('sh', ['-c', 'command -v opentracker'], { stdio: 'ignore' }).status === 0) return;
  const msg = 'opentracker is missing (apt-get install opentracker)';
  if (process.env.CI === 'true') throw new Error(`${msg}; CI=true requires this spec`);
  ctx.log(`*** ${msg}`);
  throw new SpecSkipped(msg);
}

export const trackersSpec: Spec = {
  name: 'Trackers tab: a real opentracker\'s scrape counts (libtorrent seed), add and remove a tracker',
  timeoutMs: 120_000,
  async run(ctx) {
    if (!requirePython(ctx)) return;
    requireOpentracker(ctx);
    const { page } = ctx.target;
    const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-trackers-'));
    let ot: Opentracker | undefined;
    let seed: LtPeer | undefined;
    try {
      const seedDir = join(dir, 'seed');
      await mkdir(seedDir);
      await writeFile(join(seedDir, 'tracked.bin'), randomBytes(256 * 1024));
      // opentracker needs the info-hash (its whitelist) before we know its port; the announce list
      // sits outside the info dict, so the hash of the tracker-less torrent is the final one.
      const probe = await createTorrent(join(seedDir, 'tracked.bin'), { version: 'v1', pieceLength: 32768, creationDate: null });
      const infoHash = toHex(probe.meta.infoHashV1 ?? new Uint8Array());
      ot = await startOpentracker([infoHash]);
      const { bytes, meta } = await createTorrent(join(seedDir, 'tracked.bin'), { version: 'v1', pieceLength: 32768, creationDate: null, announce: [[ot.announce]] });
      assert.equal(toHex(meta.infoHashV1 ?? new Uint8Array()), infoHash, 'the announce list does not change the info-hash');
      const torrentFile = join(dir, 'tracked.torrent');
      await writeFile(torrentFile, bytes);

      // The seed finds the tracker from the torrent; wait until opentracker counts it.
      seed = new LtPeer({ mode: 'seed', torrent: torrentFile, save: seedDir, timeoutSec: 100 });
      await seed.port();
      const client = new HttpTracker(ot.announce);
      const end = Date.now() + 30_000;
      for (;;) {
        const s = await client.scrape([meta.infoHashV1 ?? new Uint8Array()]).catch(() => undefined);
        if ((s?.get(infoHash)?.complete ?? 0) >= 1) break;
        if (Date.now() > end) throw new Error('the libtorrent seed never showed up in opentracker\'s scrape');
        await new Promise((r) => setTimeout(r, 200));
      }
      client.close();
      ctx.log(`opentracker on ${ot.port} counts the libtorrent seed`);

      await addWithFileInput(page, torrentFile);
      const r = row(page, infoHash);
      await r.waitFor({ timeout: 20_000 });
      await r.click();
      await openTab(page, 'Trackers');
      const tr = page.locator(`tr[data-tracker="${ot.announce}"]`);
      await tr.waitFor({ timeout: 10_000 });
      // Scraped (the age column fills in) with at least one seeder.
      await page.waitForFunction((url) => {
        const rowEl = document.querySelector(`tr[data-tracker="${url}"]`);
        const seeders = Number(rowEl?.querySelector('[data-col="seeders"]')?.textContent ?? '');
        const scraped = rowEl?.querySelector('[data-col="scraped"]')?.textContent ?? '';
        return seeders >= 1 && /ago/.test(scraped);
      }, ot.announce, { timeout: 30_000 });
      const text = ((await tr.textContent()) ?? '').replace(/\s+/g, ' ');
      ctx.log(`tracker row: ${text}`);
      assert.match(text, /working/);
      await ctx.screenshot('detail-trackers');

      // Add: a bad address is refused in plain words; the UDP face of the same tracker goes in a new tier.
      const input = page.getByLabel('Tracker address');
      await input.fill('wss://tracker.example/announce');
      await page.getByRole('button', { name: 'Add tracker' }).click();
      await page.getByRole('alert').filter({ hasText: 'http://, https:// or udp://' }).waitFor({ timeout: 5000 });
      await input.fill(ot.udpAnnounce);
      await page.getByRole('button', { name: 'Add tracker' }).click();
      const udpRow = page.locator(`tr[data-tracker="${ot.udpAnnounce}"]`);
      await udpRow.waitFor({ timeout: 10_000 });
      assert.equal(((await udpRow.locator('td').first().textContent()) ?? '').trim(), '1', 'added in a new tier');
      assert.equal(await input.inputValue(), '', 'the field clears after an add');
      // A duplicate is refused by the engine, in a sentence.
      await input.fill(ot.udpAnnounce);
      await page.getByRole('button', { name: 'Add tracker' }).click();
      await page.getByRole('alert').filter({ hasText: 'already has that tracker' }).waitFor({ timeout: 5000 });
      await input.fill('');

      await page.getByRole('button', { name: `Remove tracker ${ot.udpAnnounce}` }).click();
      await udpRow.waitFor({ state: 'detached', timeout: 10_000 });
      assert.equal(await page.locator('tr[data-tracker]').count(), 1);
    } finally {
      await seed?.close();
      await ot?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
