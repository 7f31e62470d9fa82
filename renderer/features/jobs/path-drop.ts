// A path on the engine's machine from something dropped or pasted. The engine runs on the same
// machine as the window, so a path is what it needs. Browsers hide a dropped File's path; what
// they do give is the text a file manager puts on the drag (text/uri-list of file:// URLs, or a
// plain path), which is what this reads. Pure; tested.

/** file:///a/b%20c → /a/b c; a plain absolute path stays; anything else is null. */
export function pathFromDropText(text: string): string | null {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue; // uri-list comments
    if (/^file:\/\//i.test(line)) {
      try {
        const u = new URL(line);
        if (u.host !== '' && u.host !== 'localhost') return null;
        const p = decodeURIComponent(u.pathname);
        // file:///C:/x on Windows
        return /^\/[A-Za-z]:\//.test(p) ? p.slice(1) : p;
      } catch {
        return null;
      }
    }
    if (line.startsWith('/') || /^[A-Za-z]:[\\/]/.test(line) || line.startsWith('\\\\')) return line;
    return null;
  }
  return null;
}

/** The last path segment (for a default .torrent name). */
export function baseName(path: string): string {
  const parts = path.replace(/[\\/]+$/, '').split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

/** The folder that holds `path`. */
export function parentDir(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i <= 0 ? (trimmed.startsWith('/') ? '/' : trimmed) : trimmed.slice(0, i);
}
