// Address helpers for dual-stack sockets.

/**
 * Our own IPv6 address on this connection, for the BEP 10 `ipv6` field: only when the connection
 * itself runs over IPv6 (then the peer can reach us there), never a v4-mapped or link-local one
 * (the latter needs a zone id, which the 16-byte field cannot carry).
 */
export function ownIPv6(socket: { readonly localAddress?: string | undefined }): { ipv6: string } | Record<string, never> {
  const a = socket.localAddress;
  if (a === undefined || !a.includes(':') || a.startsWith('::ffff:') || /^fe[89ab]/i.test(a) || a.includes('%')) return {};
  return { ipv6: a };
}
