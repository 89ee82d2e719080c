import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
import { ShoalError } from '../../src-shared/errors';

/**
 * `node:util` parseArgs, strict, with a usage mistake turned into the one-sentence error every
 * command prints: "<what is wrong> (see 'shoal <command> --help')."
 */
export function parseCliArgs<const O extends Options, const P extends boolean>(command: string, argv: string[], options: O, allowPositionals: P) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (err) {
    throw new ShoalError('invalid-input', `${(err as Error).message} (see 'shoal ${command} --help').`);
  }
}
