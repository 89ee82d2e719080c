/**
 * Every error a user can cause carries a code and one human sentence. It crosses every transport
 * as `{ code, message }`; no stack trace is ever shown to a user.
 */
export const errorCodes = [
  'invalid-torrent',
  'unsupported-torrent',
  'invalid-magnet',
  'invalid-input',
  'not-found',
  'already-exists',
  'io',
  'disk-full',
  'permission-denied',
  'port-in-use',
  'network',
  'protocol',
  /** The user stopped it (creating a torrent). */
  'cancelled',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class ShoalError extends Error {
  override readonly name = 'ShoalError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isShoalError(value: unknown): value is ShoalError {
  return value instanceof ShoalError;
}

/** What went wrong in the thrown value's own words: an Error's message, anything else as text. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `err` itself if it is a ShoalError (it has its code and sentence already), else one with `code` and the sentence `message` makes of it. */
export function asShoalError(err: unknown, code: ErrorCode, message: (err: unknown) => string = String): ShoalError {
  return isShoalError(err) ? err : new ShoalError(code, message(err));
}

/** An error as it arrived over a transport (`{ code, message }`), as a ShoalError again. */
export function fromWireError(error: { code: ErrorCode; message: string }): ShoalError {
  return new ShoalError(error.code, error.message);
}
