// Minimal globs for --include/--exclude (pure): '*' and '?' stay within one path component,
// '**' crosses them, '[...]' is a character class. A pattern without '/' also matches any single
// component (so "--exclude .git" drops the whole folder and "*.tmp" any such file).

export function globToRegExp(glob: string): { full: RegExp; base: RegExp | null } {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  const full = new RegExp(`^${re}(?:/.*)?$`);
  return { full, base: glob.includes('/') ? null : new RegExp(`^${re}$`) };
}
