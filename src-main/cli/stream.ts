import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ShoalError } from '../../src-shared/errors';
import type { FileInfo } from '../../src-shared/contract';
import { startStreamServer } from '../host/stream-server';
import { terminalText } from '../host/terminal-text';
import type { Command } from './command';
import { EngineSession } from './engine-session';
import { parseCliArgs } from './parse-cli-args';
import { discoveryOptions, discoveryOptionsHelp, discoverySettings, encryptionOptions, encryptionOptionsHelp, encryptionSetting, parseFileList, parsePositiveNumber, untilInterrupted } from './transfer-options';

const help = `usage: shoal stream <file.torrent | magnet-link> [--file N] [-o DIR] [--port P] [--player mpv|vlc]

Downloads a torrent with the pieces a player needs first, serves one of its files on
127.0.0.1 and prints its address (any player that takes an http:// URL plays it while it
downloads). Runs until interrupted (Ctrl-C).

  --file N                   the file to stream, numbered as 'shoal info' shows them
                             (default: the largest)
  -o, --out DIR              where the data goes (default ~/Downloads)
  --port P                   the HTTP port on 127.0.0.1 (default: any free port)
  --player mpv|vlc           start this player on the address
  --peer-port N              port for incoming peer connections (default: any free port)
  --announce-interval SECS   ask the trackers for peers this often, whatever they say
${discoveryOptionsHelp}
${encryptionOptionsHelp}`;

const players = ['mpv', 'vlc'] as const;

export const command: Command = {
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      'stream',
      argv,
      {
        file: { type: 'string' },
        out: { type: 'string', short: 'o' },
        port: { type: 'string' },
        player: { type: 'string' },
        'peer-port': { type: 'string' },
        'announce-interval': { type: 'string' },
        ...discoveryOptions,
        ...encryptionOptions,
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (positionals.length !== 1) throw new ShoalError('invalid-input', `give exactly one .torrent file or magnet link (see 'shoal stream --help')`);
    const [fileNumber, ...more] = parseFileList('--file', values.file) ?? [];
    if (more.length > 0) throw new ShoalError('invalid-input', '--file takes one file number');
    const player = values.player;
    if (player !== undefined && !(players as readonly string[]).includes(player)) throw new ShoalError('invalid-input', `--player is mpv or vlc, not "${player}"`);
    const httpPort = parsePort('--port', values.port, 0);
    const peerPort = values['peer-port'] === undefined ? undefined : parsePort('--peer-port', values['peer-port'], 1);
    const interval = parsePositiveNumber('--announce-interval', values['announce-interval']);
    const discovery = discoverySettings(values);
    const { encryption } = encryptionSetting(values);

    const session = await EngineSession.start({
      target: positionals[0]!,
      saveDir: values.out ?? join(homedir(), 'Downloads'),
      ...(peerPort !== undefined ? { listenPort: peerPort } : {}),
      ...(interval !== undefined ? { announceInterval: Math.ceil(interval) } : {}),
      ...(Object.keys(discovery).length > 0 ? { discovery } : {}),
      ...(encryption !== undefined ? { encryption } : {}),
    });
    const interrupted = untilInterrupted();
    try {
      const files = await Promise.race([session.files(), interrupted]);
      if (typeof files === 'string') return 130;
      const file = chooseFile(files, fileNumber);
      const server = await startStreamServer(session.streams, httpPort);
      try {
        const stream = await session.streamFile(file.index);
        const url = server.urlOf(stream.url);
        console.log(`${terminalText(stream.name)} (${stream.mimeType}) streams at\n${url}\nuntil Ctrl-C.`);
        if (player) startPlayer(player, url);
        await interrupted;
        return 0;
      } finally {
        await server.close();
      }
    } finally {
      await session.stop();
    }
  },
};

/** The file asked for (0-based here), or the largest. */
function chooseFile(files: readonly FileInfo[], index: number | undefined): FileInfo {
  if (index !== undefined) {
    const file = files.find((f) => f.index === index);
    if (!file) throw new ShoalError('invalid-input', `--file ${index + 1}: the torrent has ${files.length} file${files.length === 1 ? '' : 's'}`);
    return file;
  }
  return files.reduce((a, b) => (b.length > a.length ? b : a));
}

function parsePort(option: string, text: string | undefined, min: number): number {
  if (text === undefined) return 0;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= min && port <= 65535)) throw new ShoalError('invalid-input', `${option} must be a whole number from ${min} to 65535, not "${text}"`);
  return port;
}

/** The player runs on its own; if it cannot start, the address stays printed for another. */
function startPlayer(player: string, url: string): void {
  const child = spawn(player, [url], { detached: true, stdio: 'ignore' });
  child.on('error', (err: NodeJS.ErrnoException) => {
    console.error(`error: cannot start ${player} (${err.code === 'ENOENT' ? 'it is not installed' : err.message}); open the address above in another player`);
  });
  child.unref();
}
