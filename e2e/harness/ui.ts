// What the specs do with the UI, in one place: the selectors follow the renderer's roles and
// labels (row[data-id], tab names, the piece map's aria-label).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Locator, Page } from 'playwright-core';

export function row(page: Page, infoHash: string): Locator {
  return page.locator(`[role="row"][data-id="${infoHash}"]`);
}

export async function addWithFileInput(page: Page, torrentFile: string): Promise<void> {
  await page.locator('input[type="file"]').first().setInputFiles(torrentFile);
}

/** A synthetic drag and drop of the .torrent file onto the torrent list. `before` runs while dragging. */
export async function dropFile(page: Page, torrentFile: string, before?: () => Promise<void>): Promise<void> {
  const b64 = (await readFile(torrentFile)).toString('base64');
  const name = basename(torrentFile);
  const fire = (types: string[]): Promise<void> => page.evaluate(([n, data, ts]) => {
    const w = window as unknown as { __e2eDrop?: DataTransfer };
    if (!w.__e2eDrop) {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], n, { type: 'application/x-bittorrent' }));
      w.__e2eDrop = dt;
    }
    const target = document.querySelector('[role="grid"]') ?? document.body;
    for (const type of ts) target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: w.__e2eDrop }));
    if (ts.includes('drop')) delete w.__e2eDrop;
  }, [name, b64, types] as const);
  await fire(['dragenter', 'dragover']);
  if (before) await before();
  await fire(['drop']);
}

export async function openTab(page: Page, name: 'General' | 'Pieces' | 'Peers' | 'Files' | 'Trackers'): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}

/** Waits until the piece map says every piece is had. */
export async function waitFullPieceMap(page: Page, pieceCount: number, timeoutMs: number): Promise<void> {
  await page.getByRole('img', { name: `Piece map: ${pieceCount} of ${pieceCount} pieces` }).waitFor({ timeout: timeoutMs });
}

/** Every pixel of the piece map's middle row has the legend's "have" colour. */
export async function pieceMapPixels(page: Page): Promise<{ width: number; haveColour: string; offColour: number; sample: string }> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('canvas[aria-label^="Piece map"]');
    const legend = document.querySelector<HTMLElement>('.pieces-tab .legend i');
    if (!canvas || !legend) throw new Error('no piece map on screen');
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    const y = Math.floor(canvas.height / 2);
    const px = ctx.getImageData(0, y, canvas.width, 1).data;
    const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(getComputedStyle(legend).backgroundColor);
    const want = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [-1, -1, -1];
    let off = 0;
    for (let x = 0; x < canvas.width; x++) {
      if (px[x * 4] !== want[0] || px[x * 4 + 1] !== want[1] || px[x * 4 + 2] !== want[2]) off++;
    }
    return { width: canvas.width, haveColour: want.join(','), offColour: off, sample: `${px[0]},${px[1]},${px[2]}` };
  });
}
