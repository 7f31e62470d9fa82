// The compact peer flags column, in the letters qBittorrent and uTorrent users know:
//   D downloading from the peer (we are interested, it unchoked us)   d we want, it chokes us
//   U uploading to the peer (it is interested, we unchoked it)        u it wants, we choke it
//   K it unchoked us but we are not interested    ? we unchoked it but it is not interested
//   I incoming connection   S snubbed   T/H/X/L/M/W the peer's source (tracker, DHT, PEX, LSD, manual, web seed)
import type { PeerSummary } from '../../shared/snapshot.ts';

const SOURCE_LETTER: Record<PeerSummary['source'], string> = {
  tracker: 'T', dht: 'H', pex: 'X', lsd: 'L', manual: 'M', webseed: 'W', incoming: '',
};

export interface FlagLetter { letter: string; meaning: string }

export function peerFlagLetters(p: Pick<PeerSummary, 'flags' | 'source'>): FlagLetter[] {
  const f = p.flags;
  const out: FlagLetter[] = [];
  if (f.amInterested && !f.peerChoking) out.push({ letter: 'D', meaning: 'downloading from this peer' });
  else if (f.amInterested) out.push({ letter: 'd', meaning: 'we want data, the peer is choking us' });
  if (f.peerInterested && !f.amChoking) out.push({ letter: 'U', meaning: 'uploading to this peer' });
  else if (f.peerInterested) out.push({ letter: 'u', meaning: 'the peer wants data, we are choking it' });
  if (!f.peerChoking && !f.amInterested) out.push({ letter: 'K', meaning: 'the peer unchoked us, we are not interested' });
  if (!f.amChoking && !f.peerInterested) out.push({ letter: '?', meaning: 'we unchoked the peer, it is not interested' });
  if (f.incoming) out.push({ letter: 'I', meaning: 'incoming connection' });
  if (f.snubbed) out.push({ letter: 'S', meaning: 'snubbed: sent nothing for a while' });
  const src = SOURCE_LETTER[p.source];
  if (src) out.push({ letter: src, meaning: `found via ${p.source === 'dht' ? 'DHT' : p.source === 'pex' ? 'peer exchange' : p.source === 'lsd' ? 'local discovery' : p.source === 'webseed' ? 'web seed' : p.source}` });
  return out;
}

/** Address as shown: IPv6 in brackets, with the port. */
export function peerAddress(p: Pick<PeerSummary, 'ip' | 'port'>): string {
  return p.ip.includes(':') ? `[${p.ip}]:${p.port}` : `${p.ip}:${p.port}`;
}
