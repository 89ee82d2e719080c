// The headless front: one dispatcher, one module per command in ./cli/.
import { runCli } from './cli/run';

process.exitCode = await runCli(process.argv.slice(2));
