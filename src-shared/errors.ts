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

/** An error as it arrived over a transport (`{ code, message }`), as a ShoalError again. */
export function fromWireError(error: { code: ErrorCode; message: string }): ShoalError {
  return new ShoalError(error.code, error.message);
}
