// Drop .torrent files or magnet text anywhere in the window; paste a magnet link anywhere that is
// not a text field. An overlay shows while something is dragged over the window.
import { useEffect, type ReactNode } from 'react';
import { useApp, useAppStore, useController } from '../../app-context.tsx';
import { pushToast, setDropActive } from '../../store/actions.ts';
import { extractMagnets, isTorrentFileName } from '../../lib/drop-text.ts';
import { fileInputs } from './file-inputs.ts';

function isTextField(t: EventTarget | null): boolean {
  return t instanceof HTMLElement && (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
}

export function DropZone(): ReactNode {
  const store = useAppStore();
  const c = useController();
  const active = useApp((s) => s.dropActive);
  useEffect(() => {
    let depth = 0; // dragenter/dragleave fire for every child; count them
    const onEnter = (e: DragEvent): void => { e.preventDefault(); depth++; setDropActive(store, true); };
    const onOver = (e: DragEvent): void => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; };
    const onLeave = (): void => { depth = Math.max(0, depth - 1); if (depth === 0) setDropActive(store, false); };
    const onDrop = (e: DragEvent): void => {
      e.preventDefault();
      depth = 0;
      setDropActive(store, false);
      // A drop inside an open dialog (a path for Create or Verify) is that dialog's business.
      if (e.target instanceof Element && e.target.closest('dialog[open]')) return;
      const dt = e.dataTransfer;
      if (!dt) return;
      const files = Array.from(dt.files);
      const torrents = files.filter((f) => isTorrentFileName(f.name) || f.type === 'application/x-bittorrent');
      const magnets = extractMagnets(`${dt.getData('text/uri-list')}\n${dt.getData('text/plain')}`);
      if (torrents.length) void c.addFiles(fileInputs(torrents));
      if (magnets.length) void c.addMagnets(magnets);
      const skipped = files.length - torrents.length;
      if (skipped > 0) pushToast(store, 'warning', `${skipped} dropped file${skipped === 1 ? ' is' : 's are'} not a .torrent file and ${skipped === 1 ? 'was' : 'were'} ignored.`, { plain: false });
      if (!torrents.length && !magnets.length && !skipped) pushToast(store, 'warning', 'Nothing to add: drop .torrent files or a magnet link.', { plain: false });
    };
    const onPaste = (e: ClipboardEvent): void => {
      if (isTextField(e.target)) return;
      const magnets = extractMagnets(e.clipboardData?.getData('text/plain') ?? '');
      if (magnets.length) { e.preventDefault(); void c.addMagnets(magnets); }
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('paste', onPaste);
    };
  }, [store, c]);
  return active ? <div className="drop-overlay"><div>Drop .torrent files or magnet links to add them</div></div> : null;
}
