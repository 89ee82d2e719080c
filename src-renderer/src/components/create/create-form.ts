import { commands, type CommandInput } from '../../api/contract';

export type CreateVersion = NonNullable<CommandInput<'createTorrent'>['version']>;

/** What the create dialog's fields hold, as typed. */
export interface CreateDraft {
  path: string;
  version: CreateVersion;
  /** 'auto' or a number of bytes. */
  pieceLength: string;
  /** One tier per line; URLs on one line (space or comma apart) are equals in that tier. */
  trackers: string;
  /** One per line. */
  webSeeds: string;
  private: boolean;
  comment: string;
  source: string;
}

export const emptyDraft: CreateDraft = { path: '', version: 'v1', pieceLength: 'auto', trackers: '', webSeeds: '', private: false, comment: '', source: '' };

export type CreateField = 'path' | 'pieceLength' | 'trackers' | 'webSeeds' | 'comment' | 'source';

const KiB = 1024;
/** Powers of two from 16 KiB to 64 MiB: what clients use (the engine takes up to 256 MiB). */
export const pieceLengths: readonly { value: string; label: string }[] = [
  { value: 'auto', label: 'Automatic' },
  ...Array.from({ length: 13 }, (_, i) => {
    const bytes = 16 * KiB * 2 ** i;
    return { value: String(bytes), label: bytes < KiB * KiB ? `${bytes / KiB} KiB` : `${bytes / (KiB * KiB)} MiB` };
  }),
];

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

export function trackerTiers(text: string): string[][] {
  return lines(text).map((line) => line.split(/[\s,]+/).filter((u) => u !== ''));
}

/** The embedded tracker's announce address as peers reach this machine: by the host name the page was loaded from. */
export function embeddedAnnounceUrl(pageHost: string, port: number): string {
  return `http://${pageHost}:${port}/announce`;
}

/** The text with `url` as a tier of its own at the end, unless it is there already. */
export function withTracker(text: string, url: string): string {
  if (trackerTiers(text).some((tier) => tier.includes(url))) return text;
  const kept = text.trimEnd();
  return kept === '' ? url : `${kept}\n${url}`;
}

const sentences: Record<CreateField, string> = {
  path: 'Enter the full path of a file or folder on the machine running Shoal, such as /home/me/Videos/holiday.',
  pieceLength: 'Choose a piece size from the list.',
  trackers: 'Each line needs http://, https:// or udp:// tracker addresses, each tracker once.',
  webSeeds: 'Each line needs one http:// or https:// address.',
  comment: 'The comment is too long.',
  source: 'The source is too long.',
};

/** The command's input, checked by the contract's own schema, or a sentence per field that is wrong. */
export function createInput(draft: CreateDraft, jobId: string): { input: CommandInput<'createTorrent'> } | { errors: Partial<Record<CreateField, string>> } {
  const raw = {
    jobId,
    path: draft.path.trim(),
    version: draft.version,
    ...(draft.pieceLength !== 'auto' && { pieceLength: Number(draft.pieceLength) }),
    trackers: trackerTiers(draft.trackers),
    webSeeds: lines(draft.webSeeds),
    private: draft.private,
    ...(draft.comment.trim() !== '' && { comment: draft.comment.trim() }),
    ...(draft.source.trim() !== '' && { source: draft.source.trim() }),
  };
  const parsed = commands.createTorrent.input.safeParse(raw);
  if (parsed.success) return { input: parsed.data };
  const errors: Partial<Record<CreateField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && field in sentences) errors[field as CreateField] = sentences[field as CreateField];
  }
  return { errors };
}
