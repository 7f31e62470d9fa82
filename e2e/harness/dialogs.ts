// What the create/verify specs do with the dialogs: open one from the toolbar, drop a path onto
// a dialog's drop area (a synthetic drag carrying text/uri-list, what a file manager sends), read
// a python3-libtorrent verdict on a .torrent file.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { PYTHON } from '../../main/test-support/reference-tools.ts';

export async function openToolbarDialog(page: Page, button: 'Create' | 'Verify' | 'Settings', title: string): Promise<Locator> {
  await page.getByRole('toolbar').getByRole('button', { name: button, exact: true }).click();
  const d = page.getByRole('dialog', { name: title });
  await d.waitFor({ timeout: 10_000 });
  return d;
}

/** Drops `path` (as a file:// URL) onto the element matching `selector` inside the open dialog. */
export async function dropPath(page: Page, selector: string, path: string): Promise<void> {
  const uri = pathToFileURL(path).href;
  await page.evaluate(([sel, u]) => {
    const el = document.querySelector(`dialog[open] ${sel}`);
    if (!el) throw new Error(`no ${sel} in the open dialog`);
    const dt = new DataTransfer();
    dt.setData('text/uri-list', u);
    for (const type of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, [selector, uri] as const);
}

/** The info-hashes python3-libtorrent reads from a .torrent: v1 and v2 hex ('' when absent). */
export function libtorrentHashes(torrentFile: string): { v1: string; v2: string; files: number } {
  const code = [
    'import libtorrent as lt, sys, json',
    'ti = lt.torrent_info(sys.argv[1])',
    'h = ti.info_hashes()',
    'print(json.dumps({"v1": str(h.v1) if h.has_v1() else "", "v2": str(h.v2) if h.has_v2() else "", "files": ti.num_files()}))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', code, torrentFile], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`libtorrent could not load ${torrentFile}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { v1: string; v2: string; files: number };
}
