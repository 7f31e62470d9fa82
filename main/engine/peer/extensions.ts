// BEP 10 extension registry for one torrent: extensions (ut_metadata, ut_pex, …) register by name
// and get a local message id; our extended handshake advertises those ids in `m`, and incoming
// extended messages are routed by id to the handler. The peer's own `m` (in PeerState.ext) says
// which id to use when we send to it. No I/O here beyond the sends the caller passes in.
import { TesseraError } from '../errors.ts';
import { decodeExtensionHandshake, encodeExtensionHandshake, type ExtensionHandshake } from '../wire/extension-handshake.ts';
import type { PeerState } from './peer-state.ts';

export interface ExtensionHandler {
  /** The peer's extended handshake arrived (again, if it re-sent one); `h.m.has(name)` says whether it speaks this extension. */
  onHandshake?(peer: PeerState, h: ExtensionHandshake): void;
  /** A message on our id for this extension; `payload` is everything after the extended-id byte. */
  onMessage(peer: PeerState, payload: Uint8Array): void;
  /** Extra fields this extension adds to our handshake (e.g. BEP 9's metadata_size). */
  handshakeFields?(): Partial<Omit<ExtensionHandshake, 'm'>>;
}

/** Shown to peers in `v`. */
export const CLIENT_NAME = 'Tessera 0.1';
/** Ids 1..MAX_LOCAL_ID are ours to hand out (0 is the handshake itself). */
const MAX_LOCAL_ID = 250;

export class ExtensionRegistry {
  #byName = new Map<string, { id: number; handler: ExtensionHandler }>();
  #byId = new Map<number, { name: string; handler: ExtensionHandler }>();
  #nextId = 1;

  /**
   * Register (or replace) the handler for `name`; returns the local id peers will send it on.
   * `preferredId` (1..250) is used when free, so an extension can keep a fixed id (ut_pex = 4…).
   */
  registerExtension(name: string, handler: ExtensionHandler, preferredId?: number): number {
    if (name.length === 0 || name.length > 64) throw new TesseraError('BAD_ARGUMENT', `bad extension name: ${JSON.stringify(name)}`);
    const existing = this.#byName.get(name);
    if (existing !== undefined) {
      existing.handler = handler;
      this.#byId.set(existing.id, { name, handler });
      return existing.id;
    }
    let id: number;
    if (preferredId !== undefined && Number.isInteger(preferredId) && preferredId >= 1 && preferredId <= MAX_LOCAL_ID && !this.#byId.has(preferredId)) {
      id = preferredId;
    } else {
      while (this.#byId.has(this.#nextId)) this.#nextId++;
      if (this.#nextId > MAX_LOCAL_ID) throw new TesseraError('LIMIT_EXCEEDED', 'too many extensions');
      id = this.#nextId++;
    }
    this.#byName.set(name, { id, handler });
    this.#byId.set(id, { name, handler });
    return id;
  }

  get size(): number {
    return this.#byName.size;
  }

  /** Our extended handshake payload for one peer. */
  handshake(o: { port: number; reqq: number; yourIp?: string; ipv6?: string }): Uint8Array {
    const h: ExtensionHandshake = { m: new Map() };
    for (const { handler } of this.#byName.values()) Object.assign(h, handler.handshakeFields?.() ?? {});
    for (const [name, { id }] of this.#byName) h.m.set(name, id);
    if (o.port > 0 && o.port <= 0xffff) h.port = o.port;
    h.client = CLIENT_NAME;
    h.reqq = o.reqq;
    if (o.yourIp !== undefined && /^[0-9a-f.:]+$/i.test(o.yourIp)) h.yourIp = o.yourIp;
    if (o.ipv6 !== undefined && /^[0-9a-f:]+$/i.test(o.ipv6)) h.ipv6 = o.ipv6;
    try {
      return encodeExtensionHandshake(h);
    } catch {
      delete h.yourIp; // an address form parseIp does not take (zone ids): leave the field out
      delete h.ipv6;
      return encodeExtensionHandshake(h);
    }
  }

  /**
   * An extended message from the peer. Id 0 is its handshake: stored on the peer (m, v, reqq,
   * yourip) and passed to every extension. A malformed handshake throws (the caller drops the peer);
   * messages on ids we never handed out are ignored, as BEP 10 asks.
   */
  receive(peer: PeerState, id: number, payload: Uint8Array): void {
    if (id === 0) {
      const h = decodeExtensionHandshake(payload);
      peer.setExtensionHandshake(h);
      for (const { handler } of this.#byName.values()) handler.onHandshake?.(peer, h);
      return;
    }
    this.#byId.get(id)?.handler.onMessage(peer, payload);
  }
}

/** Send `payload` on the peer's id for `name`; false when the peer did not advertise that extension. */
export function sendExtended(peer: PeerState, name: string, payload: Uint8Array): boolean {
  const id = peer.ext?.m.get(name);
  if (id === undefined || peer.conn.closed) return false;
  peer.conn.send({ type: 'extended', id, payload });
  return true;
}
