// The Settings dialog: loads the engine's settings, saves a changed rate limit and seeding rule
// through settings:set, and the engine reports them back; a bad value is refused in plain words.
import assert from 'node:assert/strict';
import { engineInvoke } from '../harness/engine-api.ts';
import { openToolbarDialog } from '../harness/dialogs.ts';
import type { Spec } from '../harness/spec.ts';

export const settingsSpec: Spec = {
  name: 'settings dialog saves limits and the seeding rule to the engine',
  timeoutMs: 60_000,
  async run(ctx) {
    const { page } = ctx.target;
    const d = await openToolbarDialog(page, 'Settings', 'Settings');
    const port = d.getByRole('textbox', { name: /^Listening port/ });
    await port.waitFor({ timeout: 10_000 });
    await port.fill('70000');
    await d.getByRole('button', { name: 'Save' }).click();
    assert.match((await d.getByRole('alert').textContent()) ?? '', /between 0 and 65535/);
    await port.fill('0');
    await d.getByRole('textbox', { name: /^Download limit/ }).fill('100');
    await d.getByRole('textbox', { name: /^Stop seeding at ratio/ }).fill('1.5');
    await d.getByRole('textbox', { name: /^Stop seeding after minutes/ }).fill('90');
    await ctx.screenshot('settings-dialog');
    await d.getByRole('textbox', { name: /^Upload limit/ }).press('Enter');
    await d.waitFor({ state: 'detached', timeout: 10_000 });
    const s = await engineInvoke(ctx.target, 'settings:get', null);
    assert.ok(s.ok, JSON.stringify(s));
    assert.equal(s.value.maxDownloadRate, 100 * 1024);
    assert.equal(s.value.seedRatioLimit, 1.5);
    assert.equal(s.value.seedTimeLimit, 90 * 60);
  },
};
