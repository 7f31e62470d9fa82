/** Thrown by a command to exit with a given status after printing its one-line message. */
export class ExitError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ExitError';
  }
}
