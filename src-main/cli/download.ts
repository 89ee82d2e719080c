import { resolve } from 'node:path';
import { ShoalError } from '../../src-shared/errors';
import type { Command } from './command';
import { EngineSession } from './engine-session';
import { parseCliArgs } from './parse-cli-args';
import { terminalText } from '../host/terminal-text';
import { engineTuning, parseFileList, transferOptions, transferOptionsHelp, untilInterrupted } from './transfer-options';
import { printSummary, reportTarget, startReporting } from './transfer-reporter';

const help = `usage: shoal download <file.torrent | magnet-link> -o <dir> [--skip N,N...] [--port N] [--seed-ratio R] [--seed-time MINUTES]
       [--download-limit RATE] [--upload-limit RATE] [--state-dir D] [--json]

Downloads a torrent into <dir> and exits 0 once every wanted piece is verified (and, with
--seed-ratio or --seed-time, once seeding reached the first of them). A magnet link (quote it
in the shell) first fetches the torrent's metadata from the peers its trackers and x.pe name.

  -o, --out DIR              where the data goes
  --skip N,N...              files not to download, numbered as 'shoal info' shows them; they
                             are never created (bytes of pieces they share with wanted files
                             go to a hidden .<info-hash>.parts file in <dir>)
  --seed-ratio R             then seed until uploaded / downloaded reaches R
  --seed-time MINUTES        then seed this long (fractions allowed)
${transferOptionsHelp}`;

export const command: Command = {
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      'download',
      argv,
      { out: { type: 'string', short: 'o' }, skip: { type: 'string' }, ...transferOptions },
      true,
    );
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (positionals.length !== 1) throw new ShoalError('invalid-input', `give exactly one .torrent file or magnet link (see 'shoal download --help')`);
    if (!values.out) throw new ShoalError('invalid-input', `-o <dir> is required: where should the data go?`);
    const tuning = engineTuning(values);
    const skipFiles = parseFileList('--skip', values.skip);

    const startedAt = Date.now();
    const session = await EngineSession.start({ target: positionals[0]!, saveDir: values.out, ...tuning, ...(skipFiles ? { skipFiles } : {}) });
    const { mode, out } = reportTarget(values.json ?? false);
    const stopReporting = startReporting(session, mode, out);
    // With share limits the engine pauses the torrent when seeding is over; without, done is complete.
    const done = tuning.shareLimits ? session.untilShareLimit() : session.until((row) => row.state === 'seeding');
    const interrupted = untilInterrupted();
    try {
      const outcome = await Promise.race([done.then(() => 'done' as const), interrupted]);
      stopReporting();
      if (outcome === 'done' && mode !== 'json' && session.downloadedThisRun === 0) {
        out.write(`${terminalText(session.name)}: the data in ${terminalText(resolve(values.out))} is complete; nothing to download.\n`);
      }
      printSummary(session, mode, out, startedAt);
      return outcome === 'done' ? 0 : 130;
    } finally {
      stopReporting();
      await session.stop();
    }
  },
};
