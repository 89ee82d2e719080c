/** The settings dialog's form: settings to editable text and back, checked, and the changed part to save. */
import { absolutePathSchema, type CommandInput, type EncryptionMode, type Settings, type Theme } from '../../api/contract';
import { parseShareLimits, parseSpeed, sameData, shareLimitsText, speedText, type ShareLimitsText, type SpeedText } from './limits-form';
import { Problems, timeText } from './form-parse';

export interface SettingsDraft {
  downloadDir: string;
  /** Empty: no watch folder. */
  watchDir: string;
  watchAfterAdd: 'move' | 'delete';
  /** Empty: downloads go straight to their save folder. */
  incompleteDir: string;
  listenPort: string;
  portForwarding: boolean;
  dht: boolean;
  pex: boolean;
  lsd: boolean;
  tcp: boolean;
  utp: boolean;
  encryption: EncryptionMode;
  maxConnections: string;
  /** MiB, one budget for every torrent. */
  readCache: string;
  theme: Theme;
  trackerEnabled: boolean;
  trackerPort: string;
  speed: SpeedText;
  altSpeed: SpeedText;
  altSpeedEnabled: boolean;
  schedule: { enabled: boolean; days: readonly number[]; from: string; to: string };
  share: ShareLimitsText;
  queue: { maxActiveDownloads: string; maxActiveSeeds: string; maxActiveTorrents: string; stalledMinutes: string };
}

/** What the dialog edits: every setting but the CLI-only announce interval and DHT bootstrap nodes, the banned peers, and the categories (their own dialog). */
export type EditedSettings = Required<Omit<Settings, 'announceInterval' | 'dhtBootstrap' | 'bannedPeers' | 'categories'>>;

/** What the engine does for a setting it never stored: discovery and both transports on, encryption preferred, as the engine's own defaults. */
const discoveryDefaults = { dht: true, pex: true, lsd: true, tcp: true, utp: true, encryption: 'prefer' } as const;

/** The read cache's size in MiB when the engine has none stored yet (the engine's default). */
const defaultReadCacheMiB = 64;

/** The embedded tracker's port when the engine has none stored yet. */
const defaultTrackerPort = 6969;

export function settingsDraft(s: Settings): SettingsDraft {
  return {
    downloadDir: s.downloadDir,
    watchDir: s.watchDir ?? '',
    watchAfterAdd: s.watchAfterAdd ?? 'move',
    incompleteDir: s.incompleteDir ?? '',
    listenPort: String(s.listenPort),
    portForwarding: s.portForwarding ?? false,
    dht: s.dht ?? discoveryDefaults.dht,
    pex: s.pex ?? discoveryDefaults.pex,
    lsd: s.lsd ?? discoveryDefaults.lsd,
    tcp: s.tcp ?? discoveryDefaults.tcp,
    utp: s.utp ?? discoveryDefaults.utp,
    encryption: s.encryption ?? discoveryDefaults.encryption,
    maxConnections: String(s.maxConnectionsPerTorrent),
    readCache: String(s.readCacheMiB ?? defaultReadCacheMiB),
    theme: s.theme,
    trackerEnabled: s.trackerEnabled ?? false,
    trackerPort: String(s.trackerPort ?? defaultTrackerPort),
    speed: speedText(s.speedLimit),
    altSpeed: speedText(s.altSpeedLimit),
    altSpeedEnabled: s.altSpeedEnabled,
    schedule: {
      enabled: s.altSpeedSchedule.enabled,
      days: s.altSpeedSchedule.days,
      from: timeText(s.altSpeedSchedule.fromMinute),
      to: timeText(s.altSpeedSchedule.toMinute),
    },
    share: shareLimitsText(s.shareLimits),
    queue: {
      maxActiveDownloads: String(s.queue.maxActiveDownloads),
      maxActiveSeeds: String(s.queue.maxActiveSeeds),
      maxActiveTorrents: String(s.queue.maxActiveTorrents),
      stalledMinutes: String(s.queue.stalledMinutes),
    },
  };
}

export type ParsedSettings = { ok: true; settings: EditedSettings } | { ok: false; errors: Record<string, string> };

const maxQueue = 100_000;

export function parseSettingsDraft(d: SettingsDraft): ParsedSettings {
  const p = new Problems();
  const downloadDir = d.downloadDir.trim();
  if (!absolutePathSchema.safeParse(downloadDir).success) p.add('downloadDir', 'Download folder must be a full path, such as /home/me/Downloads.');
  const watchDir = optionalFolder(p, 'watchDir', d.watchDir, 'Watch folder');
  const incompleteDir = optionalFolder(p, 'incompleteDir', d.incompleteDir, 'Incomplete-downloads folder');
  if (watchDir !== null && watchDir === incompleteDir) p.add('incompleteDir', 'The incomplete-downloads folder must differ from the watch folder.');
  const schedule = {
    enabled: d.schedule.enabled,
    days: [...new Set(d.schedule.days)].sort((a, b) => a - b),
    fromMinute: p.time('schedule.from', d.schedule.from, 'The schedule’s start'),
    toMinute: p.time('schedule.to', d.schedule.to, 'The schedule’s end'),
  };
  if (schedule.enabled && schedule.days.length === 0) p.add('schedule.days', 'Choose at least one day for the schedule.');
  // The engine refuses this too; saying it here keeps the dialog open with the reason beside the switches.
  if (!d.tcp && !d.utp) p.add('transports', 'TCP and uTP cannot both be off: peers could not be reached at all.');
  if (schedule.enabled && p.ok && schedule.fromMinute === schedule.toMinute) p.add('schedule.to', 'The schedule must end at another time than it starts.');
  const settings: EditedSettings = {
    downloadDir,
    watchDir,
    watchAfterAdd: d.watchAfterAdd,
    incompleteDir,
    listenPort: p.integer('listenPort', d.listenPort, 0, 65535, 'Listening port'),
    portForwarding: d.portForwarding,
    dht: d.dht,
    pex: d.pex,
    lsd: d.lsd,
    tcp: d.tcp,
    utp: d.utp,
    encryption: d.encryption,
    maxConnectionsPerTorrent: p.integer('maxConnections', d.maxConnections, 1, 10_000, 'Connections per torrent'),
    readCacheMiB: p.integer('readCache', d.readCache, 0, 16_384, 'Read cache'),
    theme: d.theme,
    trackerEnabled: d.trackerEnabled,
    trackerPort: p.integer('trackerPort', d.trackerPort, 1, 65535, 'Tracker port'),
    speedLimit: parseSpeed(p, 'speed', d.speed, (way) => `${way === 'download' ? 'Download' : 'Upload'} limit`),
    altSpeedLimit: parseSpeed(p, 'altSpeed', d.altSpeed, (way) => `Alternative ${way} limit`),
    altSpeedEnabled: d.altSpeedEnabled,
    altSpeedSchedule: schedule,
    shareLimits: parseShareLimits(p, 'share', d.share),
    queue: {
      maxActiveDownloads: p.integer('queue.maxActiveDownloads', d.queue.maxActiveDownloads, 0, maxQueue, 'Active downloads'),
      maxActiveSeeds: p.integer('queue.maxActiveSeeds', d.queue.maxActiveSeeds, 0, maxQueue, 'Active seeds'),
      maxActiveTorrents: p.integer('queue.maxActiveTorrents', d.queue.maxActiveTorrents, 0, maxQueue, 'Active torrents'),
      stalledMinutes: p.integer('queue.stalledMinutes', d.queue.stalledMinutes, 0, maxQueue, 'Stalled time'),
    },
  };
  return p.ok ? { ok: true, settings } : { ok: false, errors: p.errors };
}

/** Only the settings that differ, so saving never overwrites what another window changed meanwhile. */
export function changedSettings(before: Settings, after: EditedSettings): CommandInput<'setSettings'> {
  // Tracker and port forwarding settings the engine never stored read as the defaults the dialog showed.
  const base = { ...before, watchDir: before.watchDir ?? null, watchAfterAdd: before.watchAfterAdd ?? 'move', incompleteDir: before.incompleteDir ?? null, trackerEnabled: before.trackerEnabled ?? false, trackerPort: before.trackerPort ?? defaultTrackerPort, readCacheMiB: before.readCacheMiB ?? defaultReadCacheMiB, portForwarding: before.portForwarding ?? false, dht: before.dht ?? discoveryDefaults.dht, pex: before.pex ?? discoveryDefaults.pex, lsd: before.lsd ?? discoveryDefaults.lsd, tcp: before.tcp ?? discoveryDefaults.tcp, utp: before.utp ?? discoveryDefaults.utp, encryption: before.encryption ?? discoveryDefaults.encryption };
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof EditedSettings)[]) {
    if (!sameData(base[key], after[key])) changed[key] = after[key];
  }
  return changed as CommandInput<'setSettings'>;
}

/** A folder that may be left empty (null), else a full path. */
function optionalFolder(p: Problems, field: string, text: string, label: string): string | null {
  const t = text.trim();
  if (t === '') return null;
  if (!absolutePathSchema.safeParse(t).success) p.add(field, `${label} must be a full path, such as /home/me/torrents, or empty for none.`);
  return t;
}
