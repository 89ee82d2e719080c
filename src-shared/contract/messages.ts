import * as z from 'zod';
import { errorCodes, isShoalError, reasonOf } from '../errors';
import { limits } from './limits';

/**
 * The envelope every message-based transport (worker MessagePort, WebSocket) carries. Electron
 * IPC has its own request/reply and does not use it.
 */

const id = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

export const requestMessageSchema = z.strictObject({
  type: z.literal('request'),
  id,
  name: z.string().max(64),
  input: z.unknown(),
});

export const wireErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string().max(limits.textLength),
});

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id, output: z.unknown() }),
  /** `id` is null when the request was too malformed to carry one. */
  z.object({ type: z.literal('error'), id: id.nullable(), error: wireErrorSchema }),
  z.object({ type: z.literal('event'), name: z.string().max(64), payload: z.unknown() }),
]);

export type RequestMessage = z.infer<typeof requestMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type WireError = z.infer<typeof wireErrorSchema>;

/** One human sentence for a failed validation: where, and what was wrong. */
export function describeInvalid(what: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `invalid ${what}`;
  const where = issue.path.length > 0 ? issue.path.join('.') : 'input';
  return `invalid ${what}: ${where} ${issue.message}`;
}

/** The only shape an error may take on the wire: code and sentence, never a stack. */
export function toWireError(err: unknown): WireError {
  if (isShoalError(err)) return { code: err.code, message: truncate(err.message) };
  if (err instanceof z.ZodError) return { code: 'invalid-input', message: truncate(describeInvalid('input', err)) };
  const detail = reasonOf(err);
  return { code: 'internal', message: truncate(`unexpected engine error: ${detail}`) };
}

function truncate(text: string): string {
  return text.length <= limits.textLength ? text : `${text.slice(0, limits.textLength - 1)}…`;
}
