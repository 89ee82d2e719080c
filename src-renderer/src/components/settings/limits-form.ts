/** The speed and share limit parts of a form, shared by the settings dialog and a torrent's options. */
import type { ShareLimitAction, ShareLimits, SpeedLimit } from '../../api/contract';
import { optionalText, rateText, type Problems, type RateText } from './form-parse';

export interface SpeedText {
  down: RateText;
  up: RateText;
}

export function speedText(limit: SpeedLimit): SpeedText {
  return { down: rateText(limit.down), up: rateText(limit.up) };
}

/** `label` names the pair in messages: "Download limit", "Alternative download limit". */
export function parseSpeed(p: Problems, field: string, text: SpeedText, label: (way: 'download' | 'upload') => string): SpeedLimit {
  return { down: p.rate(`${field}.down`, text.down, label('download')), up: p.rate(`${field}.up`, text.up, label('upload')) };
}

export interface ShareLimitsText {
  ratio: string;
  seedingMinutes: string;
  inactiveMinutes: string;
  match: ShareLimits['match'];
  action: ShareLimitAction;
}

export function shareLimitsText(limits: ShareLimits): ShareLimitsText {
  return {
    ratio: optionalText(limits.ratio),
    seedingMinutes: optionalText(limits.seedingTimeMinutes),
    inactiveMinutes: optionalText(limits.inactiveSeedingTimeMinutes),
    match: limits.match,
    action: limits.action,
  };
}

const maxMinutes = 100_000_000;

export function parseShareLimits(p: Problems, field: string, text: ShareLimitsText): ShareLimits {
  return {
    ratio: p.optionalDecimal(`${field}.ratio`, text.ratio, 1_000_000, 'Ratio limit'),
    seedingTimeMinutes: p.optionalInteger(`${field}.seedingMinutes`, text.seedingMinutes, maxMinutes, 'Seeding time limit'),
    inactiveSeedingTimeMinutes: p.optionalInteger(`${field}.inactiveMinutes`, text.inactiveMinutes, maxMinutes, 'Inactive seeding time limit'),
    match: text.match,
    action: text.action,
  };
}

/** Structural equality of plain data (what the contract carries), whatever the key order. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
