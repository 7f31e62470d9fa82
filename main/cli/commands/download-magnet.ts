// `tessera download <magnet>`: the same transfer loop as a .torrent, after BEP 9 fetches the info
// dict from the magnet's peers (tr=, x.pe=, --peer). State lives in the per-info-hash folder, so
// an interrupted fetch or download resumes with the same command.
import { resolve } from 'node:path';
import { parseMagnet } from '../../engine/metainfo/magnet.ts';
import { magnetId } from '../../engine/session-magnet.ts';
import { ExitError } from '../exit-error.ts';
import { dhtOptionsFrom, openCliSession, parsePeer, runTransfer, type TransferOptions } from './download.ts';

export async function downloadMagnet(uri: string, o: TransferOptions & { out: string; files?: string; seed?: boolean }): Promise<void> {
  let id: string;
  try {
    id = magnetId(parseMagnet(uri));
  } catch (e) {
    throw new ExitError(`bad magnet: ${e instanceof Error ? e.message : String(e)}`, 2);
  }
  if (o.files !== undefined) throw new ExitError('--files needs the file list: use the magnet\'s so= parameter instead', 2);
  const peers = o.peer.map(parsePeer);
  const session = await openCliSession(o, id, dhtOptionsFrom(o));
  await session.addMagnet(uri, { savePath: resolve(o.out), peers });
  const dhtNote = session.dht !== undefined ? `; DHT on UDP port ${session.dht.node.port}` : '';
  process.stdout.write(`listening on port ${session.port}${dhtNote}; fetching metadata for ${id}\n`);
  await runTransfer(session, id, o.seed === true);
}
