import { isAbsolute, resolve } from 'node:path';
import { defaultLimitSettings, type CommandInput, type Settings } from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
import { parseHostPort } from './dht/bootstrap-list';
import { DEFAULT_PORT } from './session-sockets';

/** A new session's settings, before the saved ones apply. */
export function initialSettings(o: { readonly downloadDir: string; readonly listenPort?: number; readonly maxConnectionsPerTorrent?: number; readonly portForwarding?: boolean }): Settings {
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
  input.dhtBootstrap?.forEach(parseHostPort);
}

/** The settings after a change; an `announceInterval` of null goes back to following the trackers. */
export function changedSettings(settings: Settings, input: CommandInput<'setSettings'>): Settings {
  const { announceInterval, ...rest } = input;
  const next = { ...settings, ...rest };
  if (announceInterval === null) delete next.announceInterval;
  else if (announceInterval !== undefined) next.announceInterval = announceInterval;
  return next;
}
