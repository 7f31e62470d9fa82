// The IPC bridge between the renderer and the engine. One handler per command channel (the
// preload has one method per command); each checks that the message comes from our own page,
// then hands the raw argument to the EngineClient, which validates it before it reaches the
// worker. Every handler returns a Result; nothing is thrown across IPC.
import { BrowserWindow, ipcMain, shell, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { CommandName, Events, Result } from '../../shared/contract.ts';
import { commandChannel, eventChannel, RESYNC_CHANNEL } from '../../shared/preload-api.ts';
import { COMMAND_NAMES, validators } from '../../shared/validate.ts';
import type { EngineClient } from '../engine-host/engine-client.ts';
import { isTrustedUrl } from './security.ts';

const unauthorized: Result<never> = { ok: false, error: { code: 'UNAUTHORIZED', message: 'message from an untrusted frame' } };

function trusted(event: IpcMainInvokeEvent | IpcMainEvent): boolean {
  const frame = event.senderFrame;
  // Only the top frame of our own page: no iframes, no other origin, no destroyed frame.
  return frame !== null && frame === event.sender.mainFrame && isTrustedUrl(frame.url);
}

export const clientIdOf = (wc: WebContents): string => `wc-${wc.id}`;

async function openFolder(engine: EngineClient, arg: unknown): Promise<Result<null>> {
  const v = validators['torrent:open-folder'](arg);
  if (!v.ok) return v;
  const s = engine.summary(v.value.id);
  if (!s) return { ok: false, error: { code: 'NOT_FOUND', message: `no torrent ${v.value.id}` } };
  const err = await shell.openPath(s.savePath);
  return err ? { ok: false, error: { code: 'IO_ERROR', message: err } } : { ok: true, value: null };
}

export function registerIpc(engine: EngineClient): () => void {
  const seen = new Set<number>();
  const track = (wc: WebContents): void => {
    if (seen.has(wc.id)) return;
    seen.add(wc.id);
    const id = wc.id;
    const cid = clientIdOf(wc);
    wc.once('destroyed', () => { seen.delete(id); engine.clientGone(cid); });
  };

  for (const command of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(command), async (event, arg: unknown): Promise<Result<unknown>> => {
      if (!trusted(event)) return unauthorized;
      track(event.sender);
      if (command === ('torrent:open-folder' satisfies CommandName)) return openFolder(engine, arg);
      return engine.invoke(clientIdOf(event.sender), command, arg);
    });
  }
  ipcMain.on(RESYNC_CHANNEL, (event) => {
    if (!trusted(event)) return;
    event.sender.send(eventChannel('torrents:update'), engine.fullList());
  });

  const send = (wc: WebContents, channel: string, payload: unknown): void => {
    if (!wc.isDestroyed() && isTrustedUrl(wc.getURL())) wc.send(channel, payload);
  };
  const offBroadcast = engine.onBroadcast((event, payload) => {
    for (const w of BrowserWindow.getAllWindows()) send(w.webContents, eventChannel(event), payload);
  });
  const offDetail = engine.onDetail((clientIds, detail: Events['torrent:detail']) => {
    for (const w of BrowserWindow.getAllWindows()) {
      if (clientIds.includes(clientIdOf(w.webContents))) send(w.webContents, eventChannel('torrent:detail'), detail);
    }
  });

  return () => {
    for (const command of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(command));
    ipcMain.removeAllListeners(RESYNC_CHANNEL);
    offBroadcast();
    offDetail();
  };
}
