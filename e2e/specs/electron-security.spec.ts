// Electron only: the page sees exactly the typed API (one method per command, one subscription
// per event) and nothing of Node or ipcRenderer, and it cannot navigate away from app://tessera.
import assert from 'node:assert/strict';
import { camelName, EVENT_NAMES, eventMethodName } from '../../shared/preload-api.ts';
import { COMMAND_NAMES } from '../../shared/validate.ts';
import type { Spec } from '../harness/spec.ts';

export const electronSecurity: Spec = {
  name: 'the desktop window exposes only the typed API and cannot navigate',
  targets: ['electron'],
  async run({ target, screenshot }) {
    const page = target.page;
    const keys = await page.evaluate(() => Object.keys(window.tessera ?? {}).sort());
    // One command method per command, one subscription per event, and the one native helper (pathForFile).
    const expected = [...COMMAND_NAMES.map((c) => camelName(c)), ...EVENT_NAMES.map((e) => eventMethodName(e)), 'pathForFile'].sort();
    assert.deepEqual(keys, expected);
    // pathForFile answers only for a real File (a dropped one has a path; a page-made one has '').
    const made = await page.evaluate(() => window.tessera!.pathForFile(new File(['x'], 'x.bin')));
    assert.equal(made, '');
    const refused = await page.evaluate(() => { try { window.tessera!.pathForFile('/etc/passwd' as unknown as File); return 'returned'; } catch { return 'threw'; } });
    assert.equal(refused, 'threw');
    const globals = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { require: typeof w.require, process: typeof w.process, ipcRenderer: typeof w.ipcRenderer, module: typeof w.module };
    });
    assert.deepEqual(globals, { require: 'undefined', process: 'undefined', ipcRenderer: 'undefined', module: 'undefined' });
    // A bad argument comes back as a Result, not an exception.
    const r = await page.evaluate(() => window.tessera!.torrentPause({ ids: ['../../etc'] }));
    assert.equal(!r.ok && r.error.code, 'BAD_ARGUMENT');
    const before = page.url();
    await page.evaluate(() => { window.location.href = 'file:///etc/passwd'; });
    await page.waitForTimeout(500);
    assert.equal(page.url(), before, 'navigation was blocked');
    assert.match(before, /^app:\/\/tessera\//);
    await screenshot('desktop-window');
  },
};
