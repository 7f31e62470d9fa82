// The headless access token: 32 random bytes, generated once and kept (mode 0600) in the
// user-data folder so a bookmarked URL keeps working across restarts. Compared in constant time.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { readFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/storage/atomic-write.ts';

export const TOKEN_FILE = 'headless-token';
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export async function loadOrCreateToken(userDataDir: string): Promise<string> {
  const file = join(userDataDir, TOKEN_FILE);
  try {
    const t = (await readFile(file, 'utf8')).trim();
    if (TOKEN_RE.test(t)) {
      await chmod(file, 0o600).catch(() => undefined);
      return t;
    }
  } catch {
    // missing: create below
  }
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(file, `${token}\n`, 0o600);
  return token;
}

/** Constant-time: hashing first makes the lengths equal, so the length of a guess leaks nothing. */
export function tokensEqual(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 256) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
