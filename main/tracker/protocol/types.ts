// The tracker's request types, shared by the HTTP and UDP codecs and the swarm store.
// Info-hashes, peer ids and addresses are latin1 strings of raw bytes: cheap Map keys, and
// bytes a client sent are never reinterpreted as text.

export type AnnounceEvent = 'none' | 'started' | 'stopped' | 'completed';

export interface AnnounceRequest {
  /** 20 raw bytes (latin1). */
  infoHash: string;
  /** 20 raw bytes (latin1). */
  peerId: string;
  port: number;
  uploaded: number;
  downloaded: number;
  /** Bytes left; undefined when the client did not say (treated as a leecher). */
  left: number | undefined;
  event: AnnounceEvent;
  /** Requested peer count; undefined = the tracker's default. Capped by the tracker. */
  numwant: number | undefined;
  /** BEP 23: compact peer strings (default) or a list of dictionaries. */
  compact: boolean;
  /** With a dictionary list: leave out 'peer id'. */
  noPeerId: boolean;
}

export interface ScrapeRequest {
  /** Raw 20-byte info-hashes (latin1); empty = "all torrents", which Tessera refuses. */
  infoHashes: string[];
}

/** A decoded request or the reason it was refused (sent back as `failure reason`). */
export type Parsed<T> = { ok: true; value: T } | { ok: false, reason: string };

export const MAX_UDP_SCRAPE_HASHES = 74; // BEP 15: what fits a reply in a 1 KB-ish datagram
