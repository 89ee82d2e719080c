import { type EventPayload, type GeneralInfo, type SubscriptionTab, type TorrentSummary } from '../../../src-shared/contract';
import { formatMagnet } from '../metainfo/magnet';
import { announcerTrackers } from '../torrent-views';
import type { MetadataFetch } from './metadata-fetch';

/** What the contract shows of a magnet link still fetching its metadata. */

export function metadataSummary(f: MetadataFetch): TorrentSummary {
  return {
    infoHash: f.infoHash,
    name: f.name,
    // The magnet's `xl` until the metadata tells the truth.
    length: f.magnet.length ?? 0,
    progress: 0,
    state: f.state,
    downRate: 0,
    upRate: 0,
    downloaded: 0,
    uploaded: 0,
    ratio: 0,
    eta: null,
    peers: { connected: f.peerCount, seeds: 0 },
    swarm: swarmHealth(f),
    addedAt: f.addedAt,
    error: f.error,
    savePath: f.savePath,
    queuePosition: null,
  };
}

/** The detail tabs that mean something before the metadata: General (what the link says) and Trackers. */
export function metadataDetail(f: MetadataFetch, tab: SubscriptionTab): EventPayload<'detail'> | undefined {
  if (tab === 'trackers') return { infoHash: f.infoHash, trackers: announcerTrackers(f.announcer) };
  if (tab === 'general') return { infoHash: f.infoHash, general: metadataGeneral(f) };
  return undefined;
}

function metadataGeneral(f: MetadataFetch): GeneralInfo {
  return {
    infoHash: f.infoHash,
    name: f.name,
    savePath: f.savePath,
    length: f.magnet.length ?? 0,
    pieceLength: 0,
    pieceCount: 0,
    private: false,
    comment: null,
    createdBy: null,
    creationDate: null,
    addedAt: f.addedAt,
    completedAt: null,
    downloaded: 0,
    uploaded: 0,
    wasted: 0,
    ratio: 0,
    availability: 0,
    swarm: swarmHealth(f),
    magnet: formatMagnet(f.magnet),
    seedingTime: 0,
    options: f.options,
  };
}

function swarmHealth(f: MetadataFetch): TorrentSummary['swarm'] {
  const health = f.announcer.health();
  return { seeders: health?.seeders ?? null, leechers: health?.leechers ?? null, completed: health?.downloaded ?? null };
}
