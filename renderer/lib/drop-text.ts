// What a user can drop or paste: magnet links anywhere in the text (one per line, or in a
// sentence), and .torrent files. Pure, so it is tested without drag events.

const MAGNET_RE = /magnet:\?[^\s"'<>]+/gi;
/** Longest magnet link we accept: real ones are well under this; longer is junk or an attack. */
export const MAX_MAGNET_LENGTH = 8192;

export function extractMagnets(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.slice(0, 1_000_000).matchAll(MAGNET_RE)) {
    const uri = m[0].replace(/[).,;]+$/, '');
    if (uri.length <= MAX_MAGNET_LENGTH && /[?&]xt=urn:bt(ih|mh):/i.test(uri)) out.add(uri);
  }
  return [...out];
}

export function isTorrentFileName(name: string): boolean {
  return /\.torrent$/i.test(name);
}

/** .torrent files larger than this are refused before reading (real ones are a few MiB at most). */
export const MAX_TORRENT_FILE_BYTES = 32 * 1024 * 1024;
