// Runs every spec against the headless target (Debian's Chromium + a real `tessera serve`) and,
// when an Electron binary exists, against the desktop app. Prints one line per spec and target,
// then the summary line `N passed, N failed, N skipped` that scripts/test.mjs shows.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Spec, SpecContext } from './harness/spec.ts';
import { closeBrowser, electronBinary, electronTarget, headlessTarget, ROOT, type Target, type TargetKind } from './harness/targets.ts';
import { specs } from './specs/index.ts';
import { SpecSkipped } from './harness/tools.ts';

const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
const filter = process.argv.slice(2).filter((a) => !a.startsWith('--'));

let passed = 0;
let failed = 0;
let skipped = 0;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<T>((_r, reject) => { t = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}

async function runOne(spec: Spec, kind: TargetKind, start: () => Promise<Target>): Promise<void> {
  const label = `${spec.name} [${kind}]`;
  const t0 = Date.now();
  let target: Target | undefined;
  try {
    target = await start();
    const tg = target;
    const ctx: SpecContext = {
      target: tg,
      screenshot: async (name) => {
        await mkdir(SCREENSHOTS, { recursive: true });
        await tg.page.screenshot({ path: join(SCREENSHOTS, `${name}${kind === 'electron' ? '-electron' : ''}.png`) });
      },
      log: (m) => console.log(`    ${m}`),
    };
    await withTimeout(spec.run(ctx), spec.timeoutMs ?? 150_000, label);
    passed++;
    console.log(`ok   ${label} (${Date.now() - t0} ms)`);
  } catch (e) {
    if (e instanceof SpecSkipped) {
      skipped++;
      console.log(`SKIP ${label}: ${e.message}`);
      return;
    }
    failed++;
    console.log(`FAIL ${label} (${Date.now() - t0} ms)\n     ${(e instanceof Error ? e.stack ?? e.message : String(e)).split('\n').join('\n     ')}`);
    if (target) {
      await mkdir(join(ROOT, 'e2e', 'results'), { recursive: true });
      await target.page.screenshot({ path: join(ROOT, 'e2e', 'results', `${spec.name.replace(/\W+/g, '-')}-${kind}-failure.png`) }).catch(() => undefined);
    }
  } finally {
    await target?.close().catch((e: unknown) => console.log(`     (cleanup: ${String(e)})`));
  }
}

const chosen = specs.filter((s) => !filter.length || filter.some((f) => s.name.includes(f)));
const electron = electronBinary();
for (const spec of chosen) {
  const kinds = spec.targets ?? ['headless', 'electron'];
  if (kinds.includes('headless')) await runOne(spec, 'headless', headlessTarget);
  if (kinds.includes('electron')) {
    if (electron) await runOne(spec, 'electron', () => electronTarget(electron));
    else {
      skipped++;
      console.log(`SKIP ${spec.name} [electron]: no Electron binary in node_modules/electron (npm start can fetch it) — Electron target not tested here`);
    }
  }
}
await closeBrowser();
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
