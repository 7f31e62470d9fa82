// Engine and command errors in plain words. The engine's own text is kept as the detail; the
// headline says what happened and, where there is one, what to do.
import type { ErrorCode } from '../../shared/contract.ts';

const CODE_WORDS: Record<ErrorCode, string> = {
  BAD_ARGUMENT: 'That request was not valid.',
  NOT_FOUND: 'That torrent is no longer in the list.',
  METAINFO_INVALID: 'That file is not a valid .torrent file.',
  MAGNET_INVALID: 'That is not a valid magnet link.',
  IO_ERROR: 'Could not read or write the files on disk.',
  ABORTED: 'The operation was cancelled.',
  UNAUTHORIZED: 'Not allowed: the connection to the engine was refused.',
  UNSUPPORTED: 'This is not supported yet.',
  INTERNAL: 'Something went wrong inside Tessera.',
};

export function plainForCode(code: ErrorCode): string {
  return CODE_WORDS[code];
}

// Order matters: the first pattern that matches wins.
const MESSAGE_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/ENOSPC|no space left|disk (is )?full/i, 'The disk is full. Free some space, then resume the torrent.'],
  [/EACCES|EPERM|permission denied/i, 'Tessera is not allowed to write to the download folder. Choose another folder or change its permissions.'],
  [/EROFS|read-only file system/i, 'The download folder is on a read-only disk.'],
  [/ENOENT|no such file/i, 'A file or folder of this torrent is missing on disk.'],
  [/hash (check )?fail|piece .*fail(ed)? (the )?hash|bad piece/i, 'Some downloaded data was corrupt and is being downloaded again.'],
  [/tracker.*(timed? ?out|ETIMEDOUT)|ETIMEDOUT/i, 'A tracker did not answer in time. Tessera will keep trying.'],
  [/ECONNREFUSED|connection refused/i, 'A tracker refused the connection. Tessera will keep trying.'],
  [/ENOTFOUND|EAI_AGAIN|getaddrinfo/i, 'A tracker\'s address could not be found. Check the network connection.'],
  [/tracker/i, 'A tracker reported a problem. Tessera will keep trying other sources.'],
  [/bencod|metainfo|torrent file|info dict/i, 'That file is not a valid .torrent file.'],
  [/magnet/i, 'That is not a valid magnet link.'],
];

export interface PlainError { message: string; detail?: string }

/** Turn an engine message into a headline (plain words) and the original text as detail. */
export function plainError(message: string): PlainError {
  const text = message.trim();
  for (const [re, words] of MESSAGE_WORDS) if (re.test(text)) return words === text ? { message: words } : { message: words, detail: text };
  // Unknown: the engine's message is the best we have; make sure it reads as a sentence.
  if (!text) return { message: CODE_WORDS.INTERNAL };
  const sentence = text[0]!.toUpperCase() + text.slice(1);
  return { message: /[.!?]$/.test(sentence) ? sentence : `${sentence}.` };
}
