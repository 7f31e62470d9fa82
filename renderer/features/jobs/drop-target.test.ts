import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDroppedPath } from './drop-target.ts';

/** The parts of a DataTransfer readDroppedPath reads. */
function drop(files: File[], text: Record<string, string> = {}): { dataTransfer: DataTransfer } {
  const dt = { files: Object.assign([...files], { item: (i: number) => files[i] ?? null }), getData: (k: string) => text[k] ?? '' };
  return { dataTransfer: dt as unknown as DataTransfer };
}

test('drop: the desktop shell names a dropped file\'s path; a browser falls back to the file:// text', () => {
  const f = new File(['x'], 'data.bin');
  const electron = (file: File): string | null => (file === f ? '/home/u/data.bin' : null);
  const browser = (): string | null => null;
  assert.deepEqual(readDroppedPath(drop([f]), electron), { path: '/home/u/data.bin' });
  assert.deepEqual(readDroppedPath(drop([f], { 'text/uri-list': 'file:///srv/a%20b' }), browser), { path: '/srv/a b' });
  const none = readDroppedPath(drop([f]), browser);
  assert.ok('problem' in none && /type its path/.test(none.problem));
  // Several files: one path is needed, so even the desktop asks for one folder.
  const many = readDroppedPath(drop([f, new File(['y'], 'b')]), electron);
  assert.ok('problem' in many && /one file or one folder/.test(many.problem));
  // The default (no preload in this process) behaves like a browser.
  assert.deepEqual(readDroppedPath(drop([f], { 'text/plain': '/tmp/x' })), { path: '/tmp/x' });
});
