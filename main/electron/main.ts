// Electron main: one window, the engine in a worker thread, single-instance hand-over of .torrent
// files and magnet links, a notification when a download completes, and a clean shutdown that
// lets the Session announce `stopped` and flush resume data. Bundled to out/electron/main.cjs.
import { app, BrowserWindow, Menu, Notification } from 'electron';
import { join } from 'node:path';
import { eventChannel } from '../../shared/preload-api.ts';
import { defaultSettings } from '../engine-host/defaults.ts';
import { EngineClient } from '../engine-host/engine-client.ts';
import { registerAppScheme, serveRenderer } from './app-protocol.ts';
import { registerIpc } from './ipc.ts';
import { parseLaunchArgs, type LaunchRequest } from './launch-args.ts';
import { buildMenu } from './menu.ts';
import { openRequests } from './open-requests.ts';
import { APP_URL, hardenSession, hardenWebContents, isTrustedUrl } from './security.ts';

// Chromium's own switches come before ours; unpackaged runs have the app path as argv[1].
const ARG_SKIP = app.isPackaged ? 1 : 2;

// A separate profile (tests, portable installs). Before the lock: the lock lives in userData.
if (process.env.TESSERA_USER_DATA) app.setPath('userData', process.env.TESSERA_USER_DATA);

if (!app.requestSingleInstanceLock()) {
  // Another Tessera is running: it receives our argv through 'second-instance' and adds them.
  app.quit();
} else {
  registerAppScheme();
  void main();
}

async function main(): Promise<void> {
  let window: BrowserWindow | undefined;
  let engine: EngineClient | undefined;
  const early: LaunchRequest = parseLaunchArgs(process.argv, process.cwd(), ARG_SKIP);

  const report = (message: string): void => {
    console.error(`tessera: ${message}`);
    if (window && !window.isDestroyed() && isTrustedUrl(window.webContents.getURL())) {
      window.webContents.send(eventChannel('engine:error'), { message, severity: 'error' });
    }
  };
  const handle = (req: LaunchRequest): void => {
    if (engine) void openRequests(engine, req, report);
    else { early.torrentFiles.push(...req.torrentFiles); early.magnets.push(...req.magnets); }
  };

  app.on('second-instance', (_e, argv, cwd) => {
    handle(parseLaunchArgs(argv, cwd, ARG_SKIP));
    if (window) { if (window.isMinimized()) window.restore(); window.focus(); }
  });
  // macOS delivers files and URLs as events, possibly before 'ready'.
  app.on('open-file', (e, path) => { e.preventDefault(); handle({ torrentFiles: [path], magnets: [] }); });
  app.on('open-url', (e, url) => { e.preventDefault(); handle({ torrentFiles: [], magnets: [url] }); });
  app.on('web-contents-created', (_e, wc) => hardenWebContents(wc));

  // For tests: a peer port, address and download folder for this run (not saved).
  const env = process.env;
  const overrides: { listenPort?: number; downloadDir?: string } = {};
  if (env.TESSERA_LISTEN_PORT && /^\d{1,5}$/.test(env.TESSERA_LISTEN_PORT)) overrides.listenPort = Number(env.TESSERA_LISTEN_PORT);
  if (env.TESSERA_DOWNLOAD_DIR) overrides.downloadDir = env.TESSERA_DOWNLOAD_DIR;

  await app.whenReady();
  if (app.isPackaged) app.setAsDefaultProtocolClient('magnet');
  hardenSession();
  const root = app.getAppPath();
  serveRenderer(join(root, 'out', 'renderer'));

  const userData = app.getPath('userData');
  // The hash workers' SHA-1 addon (electron-builder.yml: extraResources native/); the engine
  // worker inherits this environment. Unpackaged, it is found under node_modules/.cache.
  if (app.isPackaged) process.env.TESSERA_NATIVE_DIR ??= join(process.resourcesPath, 'native');
  // worker_threads cannot load a script from inside app.asar; electron-builder unpacks it.
  const workerFile = join(root, 'out', 'electron', 'engine-worker.cjs').replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  try {
    engine = await EngineClient.start({
      workerFile,
      init: {
        stateDir: join(userData, 'engine'),
        settingsFile: join(userData, 'settings.json'),
        defaults: defaultSettings(app.getPath('downloads')),
        overrides,
        // TESSERA_NO_DHT=1: e2e and tests run without the DHT (it would reach the public routers).
        ...(env.TESSERA_NO_DHT === '1' ? { noDht: true } : {}),
        ...(env.TESSERA_LISTEN_HOST ? { listenHost: env.TESSERA_LISTEN_HOST } : {}),
      },
    });
  } catch (e) {
    const { dialog } = await import('electron');
    dialog.showErrorBox('Tessera could not start its engine', e instanceof Error ? e.message : String(e));
    app.exit(1);
    return;
  }
  const eng = engine;
  registerIpc(eng);
  eng.onBroadcast((event, payload) => {
    if (event !== 'torrent:completed' || !Notification.isSupported()) return;
    const { name } = payload as { name: string };
    new Notification({ title: 'Download complete', body: name }).show();
  });

  const createWindow = (): BrowserWindow => {
    const w = new BrowserWindow({
      width: 1200, height: 780, minWidth: 720, minHeight: 480, show: false, title: 'Tessera',
      webPreferences: {
        preload: join(root, 'out', 'electron', 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    w.once('ready-to-show', () => w.show());
    w.on('closed', () => { if (window === w) window = undefined; });
    void w.loadURL(APP_URL);
    return w;
  };
  window = createWindow();
  Menu.setApplicationMenu(buildMenu({ engine: eng, window: () => window, report }));
  app.on('activate', () => { if (!window) window = createWindow(); });
  app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });

  let closing = false;
  app.on('before-quit', (e) => {
    if (closing) return;
    closing = true;
    e.preventDefault();
    // Let the Session announce `stopped` and write resume data before we go.
    void eng.close().finally(() => app.exit(0));
  });

  await openRequests(eng, early, report);
}
