// Files tab on a torrent of 3,000 files: only the rows in view are in the DOM (the table says how
// many there are), scrolling to the end brings the last files in from the engine a page at a time
// (torrent:files), and a priority set on the last row reaches the engine.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTorrent } from '../../main/engine/metainfo/create-torrent.ts';
import { toHex } from '../../main/engine/metainfo/hex.ts';
import { engineInvoke } from '../harness/engine-api.ts';
import type { Spec } from '../harness/spec.ts';
import { addWithFileInput, openTab, row } from '../harness/ui.ts';

const FOLDERS = 30;
const PER_FOLDER = 100;
const name = (k: number): string => `d${String(Math.floor(k / PER_FOLDER)).padStart(2, '0')}/f${String(k).padStart(4, '0')}.bin`;

export const manyFilesSpec: Spec = {
  name: 'Files tab of a 3,000-file torrent: rows in view only, paged from the engine while scrolling, a priority set on the last file',
  timeoutMs: 90_000,
  async run(ctx) {
    const { page } = ctx.target;
    const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-many-'));
    try {
      const src = join(dir, 'many');
      for (let d = 0; d < FOLDERS; d++) await mkdir(join(src, `d${String(d).padStart(2, '0')}`), { recursive: true });
      const total = FOLDERS * PER_FOLDER;
      for (let k = 0; k < total; k++) await writeFile(join(src, name(k)), String(k));
      const { bytes, meta } = await createTorrent(src, { version: 'v1', pieceLength: 16384, creationDate: null });
      const torrentFile = join(dir, 'many.torrent');
      await writeFile(torrentFile, bytes);
      const id = toHex(meta.infoHashV1 ?? new Uint8Array());

      await addWithFileInput(page, torrentFile);
      const r = row(page, id);
      await r.waitFor({ timeout: 20_000 });
      await r.click();
      await openTab(page, 'Files');
      await page.getByText(name(0), { exact: true }).waitFor({ timeout: 10_000 });
      const table = page.locator('table[aria-rowcount]');
      assert.equal(await table.getAttribute('aria-rowcount'), String(total + 1), 'the table knows every file');
      const inDom = await page.locator('tbody tr[data-index]').count();
      ctx.log(`rows in the DOM: ${inDom} of ${total}`);
      assert.ok(inDom > 0 && inDom < 100, `only the rows in view are rendered (${inDom})`);

      await page.locator('.table-scroll').first().evaluate((el) => { el.scrollTop = el.scrollHeight; });
      const last = name(total - 1);
      await page.getByText(last, { exact: true }).waitFor({ timeout: 10_000 });
      await page.getByLabel(`Priority of ${last}`).selectOption('skip');
      await page.waitForFunction((label) => (document.querySelector(`select[aria-label="${label}"]`) as HTMLSelectElement | null)?.value === 'skip',
        `Priority of ${last}`, { timeout: 5000 });
      const files = await engineInvoke(ctx.target, 'torrent:files', { id, from: total - 1, count: 1 });
      assert.ok(files.ok, JSON.stringify(files));
      assert.deepEqual(files.value.files.map((f) => [f.path, f.priority]), [[last, 'skip']]);
      await ctx.screenshot('detail-files-many');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
