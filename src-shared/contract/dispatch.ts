import { ShoalError } from '../errors';
import type { EngineApi } from './api';
import { commands, type CommandOutput } from './commands';
import { isCommandName } from './names';
import { PROTOCOL_VERSION } from './limits';
import { describeInvalid, requestMessageSchema, toWireError, type ServerMessage } from './messages';
import { APP_VERSION } from './version';

/**
 * The receiving end of every transport: checks the command name and its input against the
 * contract, answers `hello`, and calls the engine. Throws ShoalError for anything refused.
 */
export async function dispatchCommand(engine: EngineApi, name: unknown, input: unknown): Promise<unknown> {
  if (!isCommandName(name)) {
    throw new ShoalError('invalid-input', `unknown command '${String(name).slice(0, 64)}'`);
  }
  const parsed = commands[name].input.safeParse(input);
  if (!parsed.success) throw new ShoalError('invalid-input', describeInvalid(`${name} input`, parsed.error));
  if (name === 'hello') return answerHello((parsed.data as { protocolVersion: number }).protocolVersion);
  // The schema just checked the input has this command's shape; TS cannot correlate name and method.
  const method = engine[name] as (input: unknown) => Promise<unknown>;
  return method.call(engine, parsed.data);
}

export function answerHello(protocolVersion: number): CommandOutput<'hello'> {
  if (protocolVersion !== PROTOCOL_VERSION) {
    throw new ShoalError(
      'protocol',
      `this Shoal speaks protocol ${PROTOCOL_VERSION} but the client speaks ${protocolVersion}; reload or update the client`,
    );
  }
  return { protocolVersion: PROTOCOL_VERSION, appVersion: APP_VERSION };
}

/** Answers one raw request message (as received) with the result or error message to send back. */
export async function answerRequest(engine: EngineApi, raw: unknown): Promise<ServerMessage> {
  const request = requestMessageSchema.safeParse(raw);
  if (!request.success) {
    return {
      type: 'error',
      id: null,
      error: { code: 'invalid-input', message: describeInvalid('request', request.error) },
    };
  }
  const { id, name, input } = request.data;
  try {
    return { type: 'result', id, output: await dispatchCommand(engine, name, input) };
  } catch (err) {
    return { type: 'error', id, error: toWireError(err) };
  }
}
