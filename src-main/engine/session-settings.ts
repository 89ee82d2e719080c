import { isAbsolute, resolve } from 'node:path';
import { defaultLimitSettings, type CommandInput, type Settings } from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
import { parseDhtNode } from './dht/bootstrap-list';
import { parseHostPort } from './net/peer-address';
import { DEFAULT_PORT } from './session-sockets';
import { makeFolder } from './storage/make-folder';

/** What a session starts with (the app's or the command line's choices); its settings grow from it. */
export interface SessionOptions {
  readonly downloadDir: string;
  /** Port for peers. Absent: 6881, or any free port when that one is taken. */
  readonly listenPort?: number;
  /** Map the peer port on the router unless the saved settings say otherwise. */
  readonly portForwarding?: boolean;
  /** Interface peers may connect on; all of them unless told. */
  readonly listenHost?: string;
  readonly maxConnectionsPerTorrent?: number;
  /** Milliseconds between torrent list updates (only changed rows are sent). */
  readonly listIntervalMs?: number;
  /** Where the session is kept and restored from; absent: nothing is saved. */
  readonly stateDir?: string;
  /** `downloadDir` was named for this run (command line), so it wins over the saved one. */
  readonly downloadDirGiven?: boolean;
  readonly log?: (line: string) => void;
}

/** The read cache budget when the setting is absent: qBittorrent's disk cache default. */
const DEFAULT_READ_CACHE_MIB = 64;

/** The `readCacheMiB` setting in bytes. */
export function readCacheBytes(mib: number | undefined): number {
  return (mib ?? DEFAULT_READ_CACHE_MIB) * 1024 * 1024;
}

/** A new session's settings, before the saved ones apply. */
export function initialSettings(o: SessionOptions): Settings {
  return {
    downloadDir: resolve(o.downloadDir),
    listenPort: o.listenPort ?? DEFAULT_PORT,
    maxConnectionsPerTorrent: o.maxConnectionsPerTorrent ?? 40,
    theme: 'system',
    ...structuredClone(defaultLimitSettings),
    ...(o.portForwarding ? { portForwarding: true } : {}),
  };
}

/** Refuses a change before any of it applies. */
export function checkSettingsChange(input: CommandInput<'setSettings'>): void {
  if (input.downloadDir !== undefined && !isAbsolute(input.downloadDir)) {
    throw new ShoalError('invalid-input', `the download folder must be an absolute path, not "${input.downloadDir}"`);
  }
  input.dhtBootstrap?.forEach(parseDhtNode);
  const badBan = input.bannedPeers?.find((key) => !parseHostPort(key));
  if (badBan !== undefined) throw new ShoalError('invalid-input', `a banned peer must be HOST:PORT, not "${badBan.slice(0, 100)}"`);
}

/** The settings after a change must leave a way to reach peers. */
export function checkTransports(settings: Settings): void {
  if (settings.tcp === false && settings.utp === false) throw new ShoalError('invalid-input', 'TCP and uTP cannot both be off: peers could not be reached at all');
}

/** The settings after a change; an `announceInterval` of null goes back to following the trackers. */
export function changedSettings(settings: Settings, input: CommandInput<'setSettings'>): Settings {
  const { announceInterval, ...rest } = input;
  const next = { ...settings, ...rest };
  if (announceInterval === null) delete next.announceInterval;
  else if (announceInterval !== undefined) next.announceInterval = announceInterval;
  return next;
}

/** The watch and incomplete-downloads folders differ after a change, and those it names exist before it applies (made if missing). */
export async function prepareSettingFolders(input: CommandInput<'setSettings'>, next: Settings): Promise<void> {
  if (next.watchDir && next.incompleteDir && resolve(next.watchDir) === resolve(next.incompleteDir)) {
    throw new ShoalError('invalid-input', 'the watch folder and the incomplete-downloads folder must differ');
  }
  if (input.watchDir) await makeFolder(input.watchDir, 'the watch folder');
  if (input.incompleteDir) await makeFolder(input.incompleteDir, 'the incomplete-downloads folder');
}
