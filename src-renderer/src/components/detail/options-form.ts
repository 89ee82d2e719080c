/** A torrent's options as an editable form: text to check, and the changed options to send. */
import type { CommandInput, ShareLimits, TorrentOptions } from '../../api/contract';
import { Problems } from '../settings/form-parse';
import { parseShareLimits, parseSpeed, sameData, shareLimitsText, speedText, type ShareLimitsText, type SpeedText } from '../settings/limits-form';

export interface OptionsDraft {
  speed: SpeedText;
  /** false: the global share limits apply. */
  ownShareLimits: boolean;
  share: ShareLimitsText;
  sequential: boolean;
  firstLastPiecesFirst: boolean;
}

/** A torrent on the global share limits starts its own from them, the likeliest starting point. */
export function optionsDraft(o: TorrentOptions, globalShareLimits: ShareLimits): OptionsDraft {
  return {
    speed: speedText(o.speedLimit),
    ownShareLimits: o.shareLimits !== null,
    share: shareLimitsText(o.shareLimits ?? globalShareLimits),
    sequential: o.sequential,
    firstLastPiecesFirst: o.firstLastPiecesFirst,
  };
}

export type OptionsPatch = CommandInput<'setTorrentOptions'>['options'];
export type ParsedOptions = { ok: true; changes: OptionsPatch } | { ok: false; errors: Record<string, string> };

/** The options that differ from `current`, or why the draft cannot be sent. */
export function parseOptionsDraft(d: OptionsDraft, current: TorrentOptions): ParsedOptions {
  const p = new Problems();
  const next: TorrentOptions = {
    speedLimit: parseSpeed(p, 'speed', d.speed, (way) => `${way === 'download' ? 'Download' : 'Upload'} limit`),
    shareLimits: d.ownShareLimits ? parseShareLimits(p, 'share', d.share) : null,
    sequential: d.sequential,
    firstLastPiecesFirst: d.firstLastPiecesFirst,
  };
  if (!p.ok) return { ok: false, errors: p.errors };
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof TorrentOptions)[]) {
    if (!sameData(current[key], next[key])) changes[key] = next[key];
  }
  return { ok: true, changes: changes as OptionsPatch };
}
