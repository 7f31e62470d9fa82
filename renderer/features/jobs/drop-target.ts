// Drag-and-drop of a path onto a dialog field. The window-wide DropZone ignores drops inside an
// open dialog, so nothing here is mistaken for a .torrent to add.
import type { DragEvent } from 'react';
import { nativePathForFile } from '../../bridge/index.ts';
import { pathFromDropText } from './path-drop.ts';

export type DropOutcome = { path: string } | { problem: string };

/** `pathFor` gives a dropped File's real path where the shell can (Electron); a browser has only the
 *  drag's text (file:// URLs a file manager puts there). */
export function readDroppedPath(e: Pick<DragEvent, 'dataTransfer'>, pathFor: (f: File) => string | null = nativePathForFile): DropOutcome {
  const dt = e.dataTransfer;
  const first = dt.files.length === 1 ? dt.files[0] : undefined;
  const native = first !== undefined ? pathFor(first) : null;
  if (native !== null) return { path: native };
  const path = pathFromDropText(dt.getData('text/uri-list')) ?? pathFromDropText(dt.getData('text/plain'));
  if (path !== null) return { path };
  if (dt.files.length > 0) {
    return { problem: dt.files.length > 1
      ? 'Drop one file or one folder (put several files in a folder first), or type its path.'
      : 'This window cannot see where a dropped file lives: type its path instead (the engine runs on this machine).' };
  }
  return { problem: 'That is not a file or folder path.' };
}

export function dragOverCopy(e: DragEvent): void {
  e.preventDefault();
  e.dataTransfer.dropEffect = 'copy';
}
