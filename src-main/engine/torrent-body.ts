import type { TorrentBandwidth } from './bandwidth/bandwidth-limiter';
import { formatMagnet, type Magnet } from './metainfo/magnet';
import type { Metainfo } from './metainfo/metainfo';
import { Swarm, type SwarmEvents } from './swarm/swarm';
import { TorrentData, type TorrentDataEvents } from './torrent-data';
import type { TorrentInit } from './torrent-init';
import { MetadataPhase, type MetadataPhaseEvents } from './torrent-metadata';

/**
 * A torrent's parts, made from what the torrent was made with: its one swarm, a magnet's
 * metadata phase, and the data with all built on the metainfo once that is known.
 */

/** What trackers are told and how often: the same before and after a magnet's metadata arrives. */
function announcing(o: TorrentInit): Pick<TorrentInit, 'announcePort' | 'ipv6' | 'announceIntervalSec'> {
  return {
    ...(o.announcePort ? { announcePort: o.announcePort } : {}),
    ...(o.ipv6 ? { ipv6: o.ipv6 } : {}),
    ...(o.announceIntervalSec !== undefined ? { announceIntervalSec: o.announceIntervalSec } : {}),
  };
}

export function newSwarm(o: TorrentInit, from: Magnet | Metainfo, events: SwarmEvents): Swarm {
  return new Swarm({
    infoHash: from.infoHash,
    ...(from.infoHashV2 !== undefined && { infoHashV2: from.infoHashV2 }),
    peerId: o.peerId,
    listenPort: o.listenPort,
    maxConnections: o.maxConnections,
    ...(o.encryption ? { encryption: o.encryption } : {}),
    ...(o.utp ? { utp: o.utp } : {}),
    ...(o.tcp ? { tcp: o.tcp } : {}),
    events,
  });
}

export function newMetadataPhase(o: TorrentInit & { readonly magnet: Magnet }, swarm: Swarm, events: MetadataPhaseEvents): MetadataPhase {
  return new MetadataPhase({
    magnet: o.magnet,
    swarm,
    peerId: o.peerId,
    listenPort: o.listenPort,
    ...announcing(o),
    ...('scheduling' in o && o.scheduling ? { scheduling: o.scheduling } : {}),
    events,
  });
}

export function newTorrentData(o: TorrentInit, parts: { metainfo: Metainfo; savePath: string; swarm: Swarm; bandwidth: TorrentBandwidth }, events: TorrentDataEvents): TorrentData {
  // A magnet with only a btih learns here that its torrent is a hybrid.
  if (parts.metainfo.infoHashV2 !== undefined) parts.swarm.useInfoHashV2(parts.metainfo.infoHashV2);
  return new TorrentData({
    ...parts,
    ...('renamed' in o && o.renamed ? { renamed: o.renamed } : {}),
    peerId: o.peerId,
    listenPort: o.listenPort,
    ...announcing(o),
    ...(o.pex ? { pex: o.pex } : {}),
    ...(o.readCache ? { readCache: o.readCache } : {}),
    events,
  });
}

/** The torrent as a magnet link: the one it was added with while its metadata is awaited, else one built from its metainfo. */
export function magnetLinkOf(body: TorrentData | MetadataPhase): string {
  if (body instanceof MetadataPhase) return formatMagnet(body.magnet);
  const m = body.metainfo;
  return formatMagnet({ infoHash: m.infoHash, infoHashHex: m.infoHashHex, ...(m.infoHashV2 !== undefined && { infoHashV2: m.infoHashV2 }), name: m.name, length: m.length, trackers: body.announcer.tiers.flat(), webSeeds: m.urlList, peers: [] });
}
