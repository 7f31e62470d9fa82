// Every e2e spec, in run order.
import type { Spec } from '../harness/spec.ts';
import { createTorrentSpec } from './create-torrent.spec.ts';
import { manyFilesSpec } from './many-files.spec.ts';
import { electronSecurity } from './electron-security.spec.ts';
import { addFileSeeded, dropFileSeeded } from './seeded-download.spec.ts';
import { settingsSpec } from './settings.spec.ts';
import { skipFileSpec } from './skip-file.spec.ts';
import { trackersSpec } from './trackers.spec.ts';
import { unauthorized } from './unauthorized.spec.ts';
import { verifyDataSpec } from './verify-data.spec.ts';

export const specs: Spec[] = [unauthorized, addFileSeeded, dropFileSeeded, electronSecurity, createTorrentSpec, verifyDataSpec, settingsSpec, skipFileSpec, manyFilesSpec, trackersSpec];
