// Bytes -> base64 without Node's Buffer (the renderer has none). Chunked so a large .torrent
// does not blow the argument limit of String.fromCharCode.
export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(bin);
}
