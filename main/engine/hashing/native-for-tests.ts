// The sha1x8 addon for the tests that exercise it (native-sha1.test.ts, native-reader.test.ts):
// built here as `npm test` does first. A machine that cannot build or load it runs those tests as
// a loud skip, and CI, which must, fails instead; a CPU with neither SHA-NI nor AVX2 (the addon
// loads but offers nothing) is a loud skip everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSha1x8, type Sha1x8 } from './native-sha1.ts';

export interface NativeForTests {
  built: { path: string | null; note: string };
  /** The addon, or null. */
  x8: Sha1x8 | null;
  /** Why the addon's tests are skipped, or undefined when they run. */
  why: string | undefined;
}

export async function nativeForTests(label: string): Promise<NativeForTests> {
  const build: { ensureNative: () => { path: string | null; note: string } } =
    await import(new URL('../../../scripts/native-build.mjs', import.meta.url).href);
  const built = build.ensureNative();
  const x8 = loadSha1x8(built.path);
  let loads = false;
  if (built.path) {
    try {
      process.dlopen({ exports: {} }, built.path);
      loads = true;
    } catch {
      loads = false;
    }
  }
  const why = x8 ? undefined : loads ? 'this CPU has neither SHA-NI nor AVX2: node:crypto is used instead'
    : `sha1x8 addon not built or not loadable (${built.note}): node:crypto is used instead`;
  if (why) {
    console.error(`[${label}] SKIPPED: ${why}`);
    if (process.env.CI === 'true' && !loads) test('the sha1x8 addon builds and loads (required under CI=true)', () => assert.fail(why));
  }
  return { built, x8, why };
}
