import { encryptionModeSchema, type EncryptionMode, type Settings, type ShareLimits, type SpeedLimit } from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
import { parseDhtNode } from '../engine/dht/bootstrap-list';
import type { EngineSessionOptions } from './engine-session';
import { parseRate } from './parse-rate';

/** Option parsing shared by `shoal download` and `shoal seed`. */

/** The peer discovery options of download, seed and serve (DHT, PEX, LSD), and uTP beside TCP. */
export const discoveryOptions = {
  'no-dht': { type: 'boolean' },
  'dht-bootstrap': { type: 'string' },
  'no-pex': { type: 'boolean' },
  'no-lsd': { type: 'boolean' },
  'no-utp': { type: 'boolean' },
  transports: { type: 'string' },
} as const;

export const discoveryOptionsHelp = `  --no-dht                   find no peers through the DHT (trackers and the magnet's peers only)
  --dht-bootstrap HOST:PORT[,HOST:PORT...]
                             DHT nodes to start from instead of the public routers
  --no-pex                   exchange no peer lists with connected peers (PEX)
  --no-lsd                   announce and look for no peers on the local network (LSD)
  --no-utp                   connect to peers over TCP only: neither dial nor accept uTP
  --transports LIST          tcp, utp or tcp,utp (default): how to dial and accept peers`;

interface DiscoveryValues {
  'no-dht'?: boolean;
  'dht-bootstrap'?: string;
  'no-pex'?: boolean;
  'no-lsd'?: boolean;
  'no-utp'?: boolean;
  transports?: string;
}

/** The engine settings the discovery options ask for; nothing when none is given. */
export function discoverySettings(values: DiscoveryValues): DiscoverySettings {
  const list = values['dht-bootstrap']?.split(',').map((part) => part.trim());
  if (list && values['no-dht']) throw new ShoalError('invalid-input', '--dht-bootstrap and --no-dht contradict each other; give one');
  list?.forEach(parseDhtNode);
  return {
    ...(values['no-dht'] ? { dht: false } : {}),
    ...(list ? { dht: true, dhtBootstrap: list } : {}),
    ...(values['no-pex'] ? { pex: false } : {}),
    ...(values['no-lsd'] ? { lsd: false } : {}),
    ...transportSettings(values),
  };
}

/** `--transports` and `--no-utp` as the tcp and utp settings; nothing when neither is given. */
function transportSettings(values: DiscoveryValues): Pick<Settings, 'tcp' | 'utp'> {
  if (values.transports === undefined) return values['no-utp'] ? { utp: false } : {};
  const names = values.transports.split(',').map((part) => part.trim().toLowerCase());
  if (names.length === 0 || names.some((n) => n !== 'tcp' && n !== 'utp')) {
    throw new ShoalError('invalid-input', `--transports is tcp, utp or tcp,utp, not "${values.transports}"`);
  }
  const utp = names.includes('utp');
  if (utp && values['no-utp']) throw new ShoalError('invalid-input', '--transports utp and --no-utp contradict each other; give one');
  return { tcp: names.includes('tcp'), utp };
}

export type DiscoverySettings = Pick<Settings, 'dht' | 'dhtBootstrap' | 'pex' | 'lsd' | 'utp' | 'tcp'>;

/** The encryption option of download, seed and serve. */
export const encryptionOptions = {
  encryption: { type: 'string' },
} as const;

export const encryptionOptionsHelp = `  --encryption MODE          protocol encryption with peers: prefer (default: try it, accept
                             both), require (encrypted peers only) or off (plain only)`;

/** `--encryption` as the engine's setting; nothing when not given. */
export function encryptionSetting(values: { encryption?: string }): { encryption?: EncryptionMode } {
  if (values.encryption === undefined) return {};
  const parsed = encryptionModeSchema.safeParse(values.encryption);
  if (!parsed.success) throw new ShoalError('invalid-input', `--encryption is prefer, require or off, not "${values.encryption}"`);
  return { encryption: parsed.data };
}

/** The options both commands take, beside their own. */
export const transferOptions = {
  port: { type: 'string' },
  'state-dir': { type: 'string' },
  'announce-interval': { type: 'string' },
  'seed-ratio': { type: 'string' },
  'seed-time': { type: 'string' },
  'download-limit': { type: 'string' },
  'upload-limit': { type: 'string' },
  ...discoveryOptions,
  ...encryptionOptions,
  'port-forwarding': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Help lines for the options both commands take and describe alike. */
export const transferOptionsHelp = `  --port N                   port for incoming peer connections (default: any free port)
  --announce-interval SECS   ask the trackers for peers this often, whatever they say
  --download-limit RATE      receive at most RATE bytes a second: 500K, 1M, 1.5MiB (0: none)
  --upload-limit RATE        send at most RATE bytes a second
  --state-dir DIR            keep the session (progress, totals) here; run again with the
                             same folder to carry on after a stop or a crash
${discoveryOptionsHelp}
${encryptionOptionsHelp}
  --port-forwarding          map the peer port on the router (UPnP IGD, NAT-PMP) while running
  --json                     one JSON object per line: progress, then a summary`;

interface TransferValues extends DiscoveryValues {
  port?: string;
  'state-dir'?: string;
  'announce-interval'?: string;
  'seed-ratio'?: string;
  'seed-time'?: string;
  'download-limit'?: string;
  'upload-limit'?: string;
  encryption?: string;
  'port-forwarding'?: boolean;
}

/** The engine settings those options ask for. */
export function engineTuning(values: TransferValues): Pick<EngineSessionOptions, 'listenPort' | 'announceInterval' | 'stateDir' | 'shareLimits' | 'speedLimit' | 'discovery' | 'encryption' | 'portForwarding'> {
  const listenPort = parsePortOption(values.port);
  const announceInterval = parseSecondsOption('--announce-interval', values['announce-interval']);
  const stateDir = values['state-dir'];
  if (stateDir === '') throw new ShoalError('invalid-input', '--state-dir needs a folder');
  const shareLimits = shareLimitsOption(values);
  const speedLimit = speedLimitOption(values);
  const discovery = discoverySettings(values);
  const { encryption } = encryptionSetting(values);
  return {
    ...(encryption !== undefined ? { encryption } : {}),
    ...(Object.keys(discovery).length > 0 ? { discovery } : {}),
    ...(speedLimit !== undefined ? { speedLimit } : {}),
    ...(listenPort !== undefined ? { listenPort } : {}),
    ...(announceInterval !== undefined ? { announceInterval } : {}),
    ...(stateDir !== undefined ? { stateDir } : {}),
    ...(shareLimits !== undefined ? { shareLimits } : {}),
    // Off unless asked: a one-shot download leaves the router as it found it.
    ...(values['port-forwarding'] ? { portForwarding: true } : {}),
  };
}

/** `--download-limit` and `--upload-limit`; one of them given, the other is no limit, whatever an earlier run saved. */
function speedLimitOption(values: TransferValues): SpeedLimit | undefined {
  const down = values['download-limit'];
  const up = values['upload-limit'];
  if (down === undefined && up === undefined) return undefined;
  return { down: down === undefined ? 0 : parseRate('--download-limit', down), up: up === undefined ? 0 : parseRate('--upload-limit', up) };
}

/** The largest seeding time the engine takes, in minutes (about 190 years). */
const MAX_SEED_MINUTES = 100_000_000;

/** `--seed-ratio` and `--seed-time` as the engine's share limits: whichever comes first pauses the torrent. */
function shareLimitsOption(values: TransferValues): ShareLimits | undefined {
  const ratio = parsePositiveNumber('--seed-ratio', values['seed-ratio']);
  const minutes = parsePositiveNumber('--seed-time', values['seed-time']);
  if (ratio === undefined && minutes === undefined) return undefined;
  if (ratio !== undefined && ratio > 1_000_000) throw new ShoalError('invalid-input', `--seed-ratio must be at most 1000000, not "${values['seed-ratio']}"`);
  if (minutes !== undefined && minutes > MAX_SEED_MINUTES) throw new ShoalError('invalid-input', `--seed-time must be at most ${MAX_SEED_MINUTES} minutes, not "${values['seed-time']}"`);
  return { ratio: ratio ?? null, seedingTimeMinutes: minutes ?? null, inactiveSeedingTimeMinutes: null, match: 'any', action: 'pause' };
}

function parsePortOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new ShoalError('invalid-input', `--port must be a whole number from 1 to 65535, not "${text}"`);
  return port;
}

export function parsePositiveNumber(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) throw new ShoalError('invalid-input', `${option} must be a positive number, not "${text}"`);
  return value;
}

function parseSecondsOption(option: string, text: string | undefined): number | undefined {
  const value = parsePositiveNumber(option, text);
  if (value !== undefined && (!Number.isInteger(value) || value > 86_400)) {
    throw new ShoalError('invalid-input', `${option} must be a whole number of seconds up to 86400, not "${text}"`);
  }
  return value;
}

/**
 * The files `--skip` names: numbers as `shoal info` prints them (1 for the first file), comma
 * separated; returned as the contract's indexes (from 0), without repeats.
 */
export function parseFileList(option: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((part) => part.trim());
  const numbers = parts.map((part) => (/^\d{1,6}$/.test(part) ? Number(part) : NaN));
  if (numbers.some((n) => !(n >= 1))) {
    throw new ShoalError('invalid-input', `${option} takes file numbers as 'shoal info' prints them, separated by commas (like 2,3), not "${text}"`);
  }
  return [...new Set(numbers)].map((n) => n - 1);
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilInterrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
