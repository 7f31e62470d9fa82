// The "Add file" dialog is the browser's own <input type=file> (works in Electron and headless).
import { forwardRef, type ReactNode } from 'react';
import { useController } from '../../app-context.tsx';
import { fileInputs } from './file-inputs.ts';

export const TorrentFileInput = forwardRef<HTMLInputElement>(function TorrentFileInput(_props, ref): ReactNode {
  const c = useController();
  return (
    <input ref={ref} type="file" accept=".torrent,application/x-bittorrent" multiple hidden
      onChange={(e) => {
        const files = e.target.files ? fileInputs(e.target.files) : [];
        e.target.value = ''; // choosing the same file again must fire change again
        void c.addFiles(files);
      }} />
  );
});
