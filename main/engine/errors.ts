// Every error the engine raises carries a stable code (for the UI and the CLI's exit status)
// and a severity: 'error' is fatal to the operation, 'warning' is recoverable.

export type TesseraErrorCode =
  | 'BENCODE_INVALID'
  | 'METAINFO_INVALID'
  | 'MAGNET_INVALID'
  | 'PATH_UNSAFE'
  | 'IO_ERROR'
  | 'HASH_MISMATCH'
  | 'WIRE_PROTOCOL'
  | 'WIRE_FRAME_TOO_LARGE'
  | 'TRACKER_FAILURE'
  | 'TRACKER_WARNING'
  | 'TRACKER_PROTOCOL'
  | 'ABORTED'
  | 'BAD_ARGUMENT'
  | 'NOT_FOUND'
  | 'RESUME_INVALID'
  | 'LIMIT_EXCEEDED';

export type Severity = 'error' | 'warning';

export class TesseraError extends Error {
  readonly code: TesseraErrorCode;
  readonly severity: Severity;

  constructor(code: TesseraErrorCode, message: string, options: { cause?: unknown; severity?: Severity } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TesseraError';
    this.code = code;
    this.severity = options.severity ?? 'error';
  }
}

export function isTesseraError(e: unknown): e is TesseraError {
  return e instanceof TesseraError;
}
