/**
 * The names of every command and event, apart from their schemas so the preload can check a
 * name and build its channel without bundling zod. `commands` and `events` are typed against
 * these lists, so a name missing on either side fails to compile.
 */

export const commandNames = [
  'hello',
  'addTorrent',
  'inspectTorrent',
  'createTorrent',
  'cancelCreate',
  'fetchMetadata',
  'cancelMetadata',
  'checkFolder',
  'pause',
  'resume',
  'remove',
  'setFilePriorities',
  'setTorrentOptions',
  'moveInQueue',
  'recheck',
  'moveStorage',
  'setTrackers',
  'addTrackers',
  'reannounce',
  'forceStart',
  'getMagnetLinks',
  'addPeer',
  'banPeer',
  'setLabels',
  'renameTorrent',
  'renameFile',
  'subscribe',
  'getSettings',
  'setSettings',
  'streamFile',
  'getSpeedHistory',
  'getLog',
] as const;

export type CommandName = (typeof commandNames)[number];

export const eventNames = ['torrents', 'stats', 'detail', 'notice', 'createProgress', 'metadata'] as const;

export type EventName = (typeof eventNames)[number];

const commandNameSet: ReadonlySet<string> = new Set(commandNames);
const eventNameSet: ReadonlySet<string> = new Set(eventNames);

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && commandNameSet.has(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && eventNameSet.has(value);
}
