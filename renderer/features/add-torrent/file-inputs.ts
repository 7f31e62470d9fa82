import type { TorrentFileInput } from '../../store/controller.ts';

/** DOM Files as the controller's input (read lazily, after the size check). */
export function fileInputs(list: FileList | readonly File[]): TorrentFileInput[] {
  return Array.from(list, (f) => ({ name: f.name, size: f.size, bytes: async () => new Uint8Array(await f.arrayBuffer()) }));
}
