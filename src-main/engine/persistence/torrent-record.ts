import type { ShareLimits } from '../../../src-shared/contract';
import type { ResumeData } from '../storage/storage';
import type { Torrent } from '../torrent';
import { CURRENT_VERSION, type SavedTorrent } from './saved-session';

/** What is saved of a torrent. */
export async function torrentRecord(t: Torrent, limitsWaived: ShareLimits | undefined): Promise<SavedTorrent> {
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
  };
}

export function resumeOf(record: SavedTorrent): ResumeData | undefined {
  return record.resume ? { have: new Uint8Array(Buffer.from(record.resume.have, 'base64')), files: record.resume.files } : undefined;
}
