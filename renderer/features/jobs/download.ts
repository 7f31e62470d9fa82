// Hands bytes to the browser as a download (a blob: URL on a temporary <a download>).

/** Saves a .torrent (base64) through the browser's download.*/
export function downloadTorrent(base64: string, name: string): void {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/x-bittorrent' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name || 'new'}.torrent`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
