// The app under test, two ways: the renderer in Debian's Chromium against a real `tessera serve`
// (headless target), or the desktop app through Playwright's _electron (electron target).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, chromium, type Browser, type ElectronApplication, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

export type TargetKind = 'headless' | 'electron';

export interface Target {
  kind: TargetKind;
  page: Page;
  /** The engine's peer port (reference peers dial it). */
  enginePort: number;
  downloadDir: string;
  /** Headless only: the server's base URL (no token) and the token. */
  baseUrl?: string;
  token?: string;
  close(): Promise<void>;
}

export function electronBinary(): string | undefined {
  try {
    const p: unknown = createRequire(import.meta.url)('electron');
    return typeof p === 'string' && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

let browser: Browser | undefined;
export async function sharedBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return browser;
}
export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

function waitExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => { child.kill('SIGKILL'); }, ms);
    child.once('exit', () => { clearTimeout(t); resolve(); });
  });
}

/** Starts `tessera serve` on port 0 with a fresh user-data folder and reads the URL it prints. */
export async function startServe(): Promise<{ url: string; baseUrl: string; token: string; enginePort: number; downloadDir: string; userData: string; output: () => string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-'));
  const userData = join(dir, 'user-data');
  const downloadDir = join(dir, 'downloads');
  await mkdir(downloadDir, { recursive: true });
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'tessera.cjs'), 'serve', '--port', '0', '--user-data', userData,
    '--listen-port', '0', '--listen-host', '127.0.0.1', '--download-dir', downloadDir, '--no-dht'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d: string) => { out += d; });
  child.stderr.on('data', (d: string) => { out += d; });
  const close = async (): Promise<void> => {
    child.kill('SIGTERM');
    await waitExit(child, 15_000);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const { url, port } = await new Promise<{ url: string; port: number }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`tessera serve did not start in 60 s:\n${out}`)), 60_000);
      const check = (): void => {
        const u = /Open: (http:\/\/\S+)/.exec(out);
        const p = /listening for peers on port (\d+)/.exec(out);
        if (u?.[1] && p?.[1]) { clearTimeout(t); resolve({ url: u[1], port: Number(p[1]) }); }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => { clearTimeout(t); reject(new Error(`tessera serve exited (${code}):\n${out}`)); });
    });
    const u = new URL(url);
    const token = u.searchParams.get('token') ?? '';
    return { url, baseUrl: `${u.protocol}//${u.host}/`, token, enginePort: port, downloadDir, userData, output: () => out, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export async function headlessTarget(): Promise<Target> {
  const serve = await startServe();
  const b = await sharedBrowser();
  const context = await b.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(serve.url);
  return {
    kind: 'headless', page, enginePort: serve.enginePort, downloadDir: serve.downloadDir, baseUrl: serve.baseUrl, token: serve.token,
    close: async () => { await context.close(); await serve.close(); },
  };
}

export async function electronTarget(bin: string): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-e2e-electron-'));
  const downloadDir = join(dir, 'downloads');
  await mkdir(downloadDir, { recursive: true });
  let app: ElectronApplication | undefined;
  try {
    app = await _electron.launch({
      executablePath: bin, args: [ROOT, '--no-sandbox'], cwd: ROOT, timeout: 60_000,
      env: { ...process.env, TESSERA_USER_DATA: join(dir, 'user-data'), TESSERA_LISTEN_PORT: '0', TESSERA_LISTEN_HOST: '127.0.0.1', TESSERA_DOWNLOAD_DIR: downloadDir, TESSERA_NO_DHT: '1' },
    });
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    // The preload's API is the only way in; it reports the engine's port in session:stats.
    const enginePort = await page.evaluate(() => new Promise<number>((resolve) => {
      const off = window.tessera?.onSessionStats((s) => { off?.(); resolve(s.port); });
    }));
    const a = app;
    return { kind: 'electron', page, enginePort, downloadDir, close: async () => { await a.close(); await rm(dir, { recursive: true, force: true }); } };
  } catch (e) {
    await app?.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
