// The BEP 10 extensions a torrent with metadata runs: ut_metadata (BEP 9, serving our info dict
// to magnet users) and ut_pex (BEP 11, never for private torrents). Plugged into the torrent's
// extension registry; the torrent calls tick() about once a second for PEX's periodic sends.
import type { Torrent } from './torrent.ts';
import { transportOf, type PeerState } from './peer/peer-state.ts';
import { EncryptedStream } from './transport/mse/encrypted-stream.ts';
import { sendExtended } from './peer/extensions.ts';
import { UT_METADATA_ID, decodeMetadataMessage, encodeMetadataMessage, metadataPieceCount, serveMetadataPiece } from './extensions/ut-metadata.ts';
import {
  PEX_FLAG_ENCRYPTION, PEX_FLAG_REACHABLE, PEX_FLAG_SEED, PEX_FLAG_UTP, PexReceiver, PexSender, UT_PEX_ID, addrKey, decodePex, encodePex, type PexPeer,
} from './extensions/ut-pex.ts';

export interface TorrentExtensions {
  tick(now: number): void;
}

/** Requests a peer may make for our metadata per connection: a few full copies' worth. */
const metadataBudget = (size: number): number => 4 * metadataPieceCount(size) + 16;

export function installExtensions(t: Torrent): TorrentExtensions {
  const info = t.meta.infoBytes;
  const served = new WeakMap<PeerState, number>();
  t.registerExtension('ut_metadata', {
    handshakeFields: () => ({ metadataSize: info.length }),
    onMessage(peer, payload) {
      const m = decodeMetadataMessage(payload);
      if (m.type !== 'request') return; // we already have the metadata: data/reject mean nothing
      const n = (served.get(peer) ?? 0) + 1;
      served.set(peer, n);
      const reply = n > metadataBudget(info.length) ? { type: 'reject' as const, piece: m.piece } : serveMetadataPiece(info, m.piece);
      sendExtended(peer, 'ut_metadata', encodeMetadataMessage(reply));
    },
  }, UT_METADATA_ID);

  if (t.meta.private) return { tick: () => {} };

  const senders = new WeakMap<PeerState, PexSender>();
  const receivers = new WeakMap<PeerState, PexReceiver>();
  t.registerExtension('ut_pex', {
    onMessage(peer, payload) {
      let r = receivers.get(peer);
      if (r === undefined) { r = new PexReceiver(); receivers.set(peer, r); }
      if (!r.accept(Date.now())) return; // flooding: ignored, not trusted
      for (const p of decodePex(payload).added) t.addPeer(p.ip, p.port, 'pex', { utp: (p.flags & PEX_FLAG_UTP) !== 0 });
    },
  }, UT_PEX_ID);

  return {
    tick(now) {
      // Our connected peers, by the address others can dial: the remote port for connections we
      // made, the advertised listen port (`p`) for incoming ones; incoming without `p` are left out.
      const current = new Map<string, PexPeer>();
      for (const p of t.peers.values()) {
        const port = p.conn.incoming ? p.ext?.port : p.conn.port;
        if (port === undefined || p.conn.closed) continue;
        const flags = (p.isSeed ? PEX_FLAG_SEED : 0) | (p.conn.incoming ? 0 : PEX_FLAG_REACHABLE)
          | (transportOf(p.conn.socket) === 'utp' ? PEX_FLAG_UTP : 0) | (p.conn.socket instanceof EncryptedStream ? PEX_FLAG_ENCRYPTION : 0);
        const entry: PexPeer = { ip: p.conn.ip, port, flags };
        current.set(addrKey(entry), entry);
      }
      for (const p of t.peers.values()) {
        if (p.ext?.m.has('ut_pex') !== true) continue;
        let s = senders.get(p);
        if (s === undefined) { s = new PexSender(); senders.set(p, s); }
        const self = p.conn.incoming ? (p.ext.port !== undefined ? addrKey({ ip: p.conn.ip, port: p.ext.port }) : '') : addrKey({ ip: p.conn.ip, port: p.conn.port });
        const others = new Map(current);
        others.delete(self);
        const msg = s.next(others, now);
        if (msg !== undefined) sendExtended(p, 'ut_pex', encodePex(msg));
      }
    },
  };
}
