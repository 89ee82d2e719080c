import type { ShareLimits } from '../../src-shared/contract';
import type { ResumeData } from './storage/storage';
import type { Torrent } from './torrent';
import type { Labels } from './torrent-labels';
import { CURRENT_VERSION, type SavedMagnet, type SavedTorrent } from './persistence/saved-session';

/** What is saved of a torrent; persistence/ keeps the format, this joins it to the Torrent. */
export async function torrentRecord(t: Torrent, limitsWaived: ShareLimits | undefined, forced = false, labels?: Labels): Promise<SavedTorrent> {
  const resume = await t.resumeData();
  const totals = t.totals;
  return {
    version: CURRENT_VERSION,
    infoHash: t.infoHash,
    savePath: t.savePath,
    paused: t.paused,
    priorities: [...t.filePriorities],
    options: t.options,
    totals: { uploaded: totals.uploaded, downloaded: totals.downloaded, wasted: totals.wasted },
    seedingSeconds: t.seedingTime,
    addedAt: t.addedAt,
    completedAt: t.completedAt,
    resume: resume && { have: Buffer.from(resume.have).toString('base64'), files: [...resume.files] },
    ...(t.movingTo !== null ? { movingTo: t.movingTo } : {}),
    ...(limitsWaived ? { limitsWaived } : {}),
    ...(forced ? { forced } : {}),
    ...labelFields(labels),
    ...(t.displayName !== null ? { name: t.displayName } : {}),
    ...(t.renamedFiles.length > 0 ? { renamed: t.renamedFiles.map((r) => ({ index: r.index, path: [...r.path] })) } : {}),
    ...(edited(t.announcer.tiers, t.metainfo.trackers) ? { trackers: t.announcer.tiers } : {}),
  };
}

/** The user changed the trackers: tiers differ in number, order, or members (the order inside a tier is BEP 12's shuffle). */
function edited(now: readonly (readonly string[])[], original: readonly (readonly string[])[]): boolean {
  const key = (tiers: readonly (readonly string[])[]) => JSON.stringify(tiers.map((tier) => [...tier].sort()));
  return key(now) !== key(original);
}

/** What is saved of a magnet link still fetching its metadata. */
export function magnetRecord(f: Torrent, labels?: Labels): SavedMagnet {
  return {
    kind: 'magnet',
    uri: f.magnetLink,
    savePath: f.savePath,
    paused: f.paused,
    addedAt: f.addedAt,
    options: f.options,
    ...labelFields(labels),
    ...(f.displayName !== null ? { name: f.displayName } : {}),
    ...(f.skipFiles.length > 0 ? { skipFiles: [...f.skipFiles] } : {}),
  };
}

/** The saved have-bitfield and file stamps back as storage takes them. */
export function resumeOf(record: SavedTorrent): ResumeData | undefined {
  return record.resume ? { have: new Uint8Array(Buffer.from(record.resume.have, 'base64')), files: record.resume.files } : undefined;
}

/** A category and tags, saved only when there are some. */
function labelFields(labels: Labels | undefined): { category?: string; tags?: string[] } {
  return {
    ...(labels?.category ? { category: labels.category } : {}),
    ...(labels && labels.tags.length > 0 ? { tags: [...labels.tags] } : {}),
  };
}
