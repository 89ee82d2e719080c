import { isShoalError } from '../../src-shared/errors';
import type { Command } from './command';
import { terminalLine } from '../host/terminal-text';

/** A command that drives an in-process engine: zod set up first, as its schemas are built on load (see useInterpretedZod). */
const engineCommand = (load: () => Promise<{ command: Command }>) => (): Promise<Command> =>
  import('./interpreted-zod').then((zod) => {
    zod.useInterpretedZod();
    return load().then((m) => m.command);
  });

const commands: Record<string, () => Promise<Command>> = {
  create: () => import('./create').then((m) => m.command),
  download: engineCommand(() => import('./download')),
  seed: engineCommand(() => import('./seed')),
  info: () => import('./info').then((m) => m.command),
  tracker: () => import('./tracker').then((m) => m.command),
  serve: () => import('./serve').then((m) => m.command),
  stream: engineCommand(() => import('./stream')),
};

const usage = `usage: shoal <command> [options]

commands:
${Object.keys(commands).map((c) => `  ${c}`).join('\n')}

Run 'shoal <command> --help' for a command's options.`;

/** Runs one CLI invocation and returns the process exit status. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(usage);
    return name === undefined ? 1 : 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`error: unknown command '${terminalLine(name, 100)}'\n\n${usage}`);
    return 1;
  }
  try {
    const command = await load();
    return await command.run(rest);
  } catch (err) {
    // Only errors that carry a human sentence reach the user as such; anything else is a bug.
    if (isShoalError(err)) {
      console.error(`error: ${terminalLine(err.message)}`);
      return 1;
    }
    throw err;
  }
}
