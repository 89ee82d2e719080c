import { ShoalError } from '../../src-shared/errors';
import type { Command } from './command';
import { EngineSession } from './engine-session';
import { parseCliArgs } from './parse-cli-args';
import { engineTuning, transferOptions, transferOptionsHelp, untilInterrupted } from './transfer-options';
import { printSummary, reportTarget, startReporting } from './transfer-reporter';
import { terminalText } from '../host/terminal-text';

const help = `usage: shoal seed <file.torrent> --data <dir> [--port N] [--seed-ratio R] [--seed-time MINUTES] [--upload-limit RATE] [--state-dir D]

Checks the data in <dir> against the torrent, then seeds it until interrupted (Ctrl-C or
SIGTERM) or, exiting 0, until the first of --seed-ratio and --seed-time is reached; the
trackers hear it stopped on the way out. Missing pieces are downloaded.

  --data DIR                 the folder that holds the torrent's data
  --seed-ratio R             stop once uploaded / size (or / downloaded) reaches R
  --seed-time MINUTES        stop after seeding this long (fractions allowed)
${transferOptionsHelp}`;

export const command: Command = {
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      'seed',
      argv,
      { data: { type: 'string' }, ...transferOptions },
      true,
    );
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (positionals.length !== 1) throw new ShoalError('invalid-input', `give exactly one .torrent file (see 'shoal seed --help')`);
    if (!values.data) throw new ShoalError('invalid-input', `--data <dir> is required: which folder holds the data?`);
    const tuning = engineTuning(values);

    const startedAt = Date.now();
    const interrupted = untilInterrupted();
    const session = await EngineSession.start({ target: positionals[0]!, saveDir: values.data, ...tuning });
    const { mode, out } = reportTarget(values.json ?? false);
    // Plain sentences never go into the JSON stream.
    const say = (line: string): void => void (mode === 'json' ? process.stderr : out).write(line);
    try {
      const checked = await Promise.race([session.until((row) => row.state !== 'checking'), interrupted.then(() => undefined)]);
      if (checked && checked.state !== 'seeding') {
        say(`${terminalText(session.name)}: the data in ${terminalText(values.data)} is ${(checked.progress * 100).toFixed(1)}% complete; fetching the rest while seeding\n`);
      } else if (checked) {
        say(`${terminalText(session.name)}: data verified, seeding (Ctrl-C to stop)\n`);
      }
      const stopReporting = startReporting(session, mode, out);
      await (tuning.shareLimits ? Promise.race([interrupted, session.untilShareLimit()]) : interrupted);
      stopReporting();
      printSummary(session, mode, out, startedAt);
      return 0;
    } finally {
      await session.stop();
    }
  },
};
