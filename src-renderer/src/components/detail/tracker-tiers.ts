/** Trackers as the edit box shows them: one address per line, a blank line between tiers (as Transmission and qBittorrent do). */
import { trackerTiersSchema, type TrackerInfo } from '../../api/contract';

/** The torrent's tiers from the Trackers tab's rows (web seeds and the DHT, PEX and LSD rows left out). */
export function tiersOf(rows: readonly TrackerInfo[]): string[][] {
  const tiers: string[][] = [];
  for (const row of rows) {
    if (row.kind !== undefined && row.kind !== 'tracker') continue;
    (tiers[row.tier] ??= []).push(row.url);
  }
  return tiers.filter((tier) => tier !== undefined);
}

export function tiersToText(tiers: readonly (readonly string[])[]): string {
  return tiers.map((tier) => tier.join('\n')).join('\n\n');
}

/** The tiers typed, or the sentence saying what is wrong with them. */
export function tiersFromText(text: string): { tiers: string[][] } | { error: string } {
  const tiers = text
    .split(/\n\s*\n/)
    .map((block) => block.split('\n').map((line) => line.trim()).filter((line) => line !== ''))
    .filter((tier) => tier.length > 0);
  const parsed = trackerTiersSchema.safeParse(tiers);
  if (parsed.success) return { tiers: parsed.data };
  const issue = parsed.error.issues[0];
  const [tier, index] = issue?.path ?? [];
  const url = typeof tier === 'number' && typeof index === 'number' ? tiers[tier]?.[index] : undefined;
  if (url !== undefined) return { error: `“${url.slice(0, 200)}” is not a tracker address: it must start with http://, https:// or udp://, then a host.` };
  return { error: `The trackers are not valid: ${issue?.message ?? 'unknown problem'}.` };
}

/** The tiers without `url`; a tier left empty goes. */
export function withoutTracker(tiers: readonly (readonly string[])[], url: string): string[][] {
  return tiers.map((tier) => tier.filter((u) => u !== url)).filter((tier) => tier.length > 0);
}
