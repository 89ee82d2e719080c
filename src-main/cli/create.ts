import { access, rm, writeFile } from 'node:fs/promises';
import { ShoalError } from '../../src-shared/errors';
import type { Command } from './command';
import { parseCliArgs } from './parse-cli-args';
import { createTorrent } from '../engine/metainfo/create';
import { fileError } from '../engine/fs/file-errors';
import { parseTorrent } from '../engine/metainfo/parse-torrent';
import { terminalProgressBar } from './progress-bar';
import { terminalText } from '../host/terminal-text';

const help = `usage: shoal create <path> -o <out.torrent> [options]

Makes a .torrent of a file or folder: BitTorrent v1 by default (files in the order mktorrent
uses, so the info-hash matches mktorrent's for the same piece length), v2 or hybrid (BEP 52,
laid out as libtorrent 2.0 lays them out, so its info-hashes match libtorrent's).

  -o, --output FILE        where to write the .torrent (must not exist yet)
  -t, --tracker URL        announce URL; each --tracker is a tier of its own, in order of
                           preference; "URL,URL" puts several equal URLs in one tier
  -w, --web-seed URL       web seed (BEP 19); repeatable
  -l, --piece-length N     bytes per piece, a power of two from 16384 to 268435456
                           (suffixes K and M allowed: 256K, 1M); default: about 1,000-2,000 pieces
  -p, --private            private torrent (BEP 27): peers only from its trackers
  -c, --comment TEXT       free-text comment
  -s, --source TEXT        source tag (inside the info dictionary, so it changes the info-hash)
      --v2                 a BitTorrent v2-only torrent (SHA-256 Merkle trees; v1 clients cannot use it)
      --hybrid             a hybrid torrent: v1 and v2 in one, both swarms (hashes computed in one pass)`;

export function parsePieceLength(text: string): number {
  const match = /^(\d{1,10})([kKmM]?)$/.exec(text);
  const unit = match?.[2]?.toLowerCase() === 'k' ? 1024 : match?.[2]?.toLowerCase() === 'm' ? 2 ** 20 : 1;
  const value = match ? Number(match[1]) * unit : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new ShoalError('invalid-input', `--piece-length must be a number of bytes such as 262144 or 256K, not "${text}".`);
  }
  return value;
}

export const command: Command = {
  async run(argv) {
    const { values, positionals } = parseCliArgs(
      'create',
      argv,
      {
          output: { type: 'string', short: 'o' },
          tracker: { type: 'string', short: 't', multiple: true },
          'web-seed': { type: 'string', short: 'w', multiple: true },
          'piece-length': { type: 'string', short: 'l' },
          private: { type: 'boolean', short: 'p' },
          comment: { type: 'string', short: 'c' },
          source: { type: 'string', short: 's' },
          v2: { type: 'boolean' },
          hybrid: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      true,
    );
    if (values.help) {
      console.log(help);
      return 0;
    }
    const [path, ...extra] = positionals;
    if (path === undefined || extra.length > 0) {
      throw new ShoalError('invalid-input', "Give exactly one file or folder to share (see 'shoal create --help').");
    }
    if (values.v2 && values.hybrid) throw new ShoalError('invalid-input', 'Choose one of --v2 and --hybrid: a hybrid torrent is already a v2 torrent too.');
    const output = values.output;
    if (output === undefined) throw new ShoalError('invalid-input', "Say where to write the torrent with -o FILE (see 'shoal create --help').");
    // Checked before hashing, so a long hash is not wasted on a name that cannot be used.
    if (await exists(output)) throw new ShoalError('already-exists', `'${output}' already exists; choose another name or remove it.`);

    const bar = terminalProgressBar(process.stderr, 'hashing');
    let bytes: Uint8Array;
    try {
      bytes = await createTorrent(path, {
        trackers: (values.tracker ?? []).map((tier) => tier.split(',').filter((url) => url.trim() !== '')),
        webSeeds: values['web-seed'] ?? [],
        ...(values['piece-length'] !== undefined && { pieceLength: parsePieceLength(values['piece-length']) }),
        version: values.v2 ? 'v2' : values.hybrid ? 'hybrid' : 'v1',
        private: values.private ?? false,
        ...(values.comment !== undefined && { comment: values.comment }),
        ...(values.source !== undefined && { source: values.source }),
        ...(bar && { onProgress: (done: number, total: number) => bar.update(done, total) }),
      });
    } finally {
      bar?.finish();
    }
    await writeNew(output, bytes);
    const m = parseTorrent(bytes);
    const hashes = m.infoHashV2 ? `${m.version === 'hybrid' ? `info-hash ${m.infoHashHex}, ` : ''}v2 info-hash ${Buffer.from(m.infoHashV2).toString('hex')}` : `info-hash ${m.infoHashHex}`;
    console.log(`created ${terminalText(output)}: ${terminalText(m.name)}, ${hashes}, ${m.pieceCount} piece${m.pieceCount === 1 ? '' : 's'} of ${m.pieceLength} bytes`);
    return 0;
  },
};

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

// Exclusive create: never overwrites a file that appeared meanwhile; a half-written file is removed.
async function writeNew(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFile(path, bytes, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ShoalError('already-exists', `'${path}' already exists; choose another name or remove it.`);
    }
    await rm(path, { force: true });
    throw fileError(err, 'writing', path);
  }
}
