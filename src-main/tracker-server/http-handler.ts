import type { IncomingMessage, ServerResponse } from 'node:http';
import { bencode, binaryKey, type BEncodable } from '../engine/bencode';
import { ipBytes, ipText } from '../engine/net/ip-bytes';
import { parseRawQuery, QueryError, type RawQuery } from './raw-query';
import { statusPage } from './status-page';
import { compactPeerCount, samplePeers, writeCompactPeers, type PeerList } from './peer-list';
import type { AnnounceEvent, SwarmStore } from './swarm-store';

export interface HttpTrackerConfig {
  readonly store: SwarmStore;
  /** Seconds. */
  readonly interval: number;
  readonly minInterval: number;
  readonly maxNumwant: number;
  /** Most info-hashes one scrape may name, and most torrents a scrape of everything lists. */
  readonly maxScrape: number;
  readonly now: () => number;
}

const MAX_INTEGER = Number.MAX_SAFE_INTEGER;

/** Serves `/announce`, `/scrape` and the status page `/`; anything else is 404. */
export function handleHttp(config: HttpTrackerConfig, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', Buffer.from('Only GET is supported.\n'));
    return;
  }
  try {
    if (path === '/announce') send(res, 200, 'text/plain', announce(config, parseRawQuery(query), req.socket.remoteAddress));
    else if (path === '/scrape') send(res, 200, 'text/plain', scrape(config, parseRawQuery(query)));
    else if (path === '/') send(res, 200, 'text/html; charset=utf-8', Buffer.from(statusPage(config.store, config.maxScrape)));
    else send(res, 404, 'text/plain; charset=utf-8', Buffer.from('Not found.\n'));
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    // Failures travel with status 200: clients only read `failure reason` from a 200 body.
    send(res, 200, 'text/plain', failureBody(err.message));
  }
}

/** `d14:failure reason…e`: what a client shows its user when we refuse a request. */
function failureBody(reason: string): Uint8Array {
  return bencode({ 'failure reason': reason });
}

function send(res: ServerResponse, status: number, type: string, body: Uint8Array): void {
  res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
  res.end(body);
}

function single(query: RawQuery, name: string): Buffer | undefined {
  const values = query.get(name);
  if (values && values.length > 1) throw new QueryError(`The parameter ${name} is given more than once.`);
  return values?.[0];
}

function required(query: RawQuery, name: string): Buffer {
  const value = single(query, name);
  if (value === undefined) throw new QueryError(`The request is missing ${name}.`);
  return value;
}

function integer(query: RawQuery, name: string, fallback: number | undefined, max = MAX_INTEGER): number {
  const raw = fallback === undefined ? required(query, name) : single(query, name);
  if (raw === undefined) return fallback!;
  const text = raw.toString('latin1');
  if (!/^\d{1,16}$/.test(text) || Number(text) > max) throw new QueryError(`The parameter ${name} is not a valid number.`);
  return Number(text);
}

function twentyBytes(query: RawQuery, name: string): Buffer {
  const value = required(query, name);
  if (value.length !== 20) throw new QueryError(`The parameter ${name} must be 20 bytes, not ${value.length}.`);
  return value;
}

const events: Record<string, AnnounceEvent> = { '': 'none', empty: 'none', started: 'started', completed: 'completed', stopped: 'stopped' };

function announce(config: HttpTrackerConfig, query: RawQuery, remote: string | undefined): Uint8Array {
  const infoHash = twentyBytes(query, 'info_hash');
  const peerId = twentyBytes(query, 'peer_id');
  const port = integer(query, 'port', undefined, 65535);
  if (port === 0) throw new QueryError('The parameter port must be between 1 and 65535.');
  integer(query, 'uploaded', 0);
  integer(query, 'downloaded', 0);
  const left = integer(query, 'left', undefined);
  const eventText = single(query, 'event')?.toString('latin1') ?? '';
  const event = Object.hasOwn(events, eventText) ? events[eventText] : undefined;
  if (event === undefined) throw new QueryError('The parameter event must be started, completed, stopped or empty.');
  const numwant = Math.min(integer(query, 'numwant', config.maxNumwant), config.maxNumwant);
  const compact = single(query, 'compact')?.toString('latin1') !== '0';
  const noPeerId = single(query, 'no_peer_id')?.toString('latin1') === '1';
  const ip = remote === undefined ? undefined : ipBytes(remote);
  if (!ip) throw new QueryError('The tracker cannot tell your address.');

  const outcome = config.store.announce({ infoHash, peerId, ip, port, left, event }, config.now());
  if (!outcome.ok) return failureBody(outcome.reason);
  const { swarm, list, self } = outcome;
  const reply = new Map<string, BEncodable>([
    ['complete', swarm.seeders],
    ['incomplete', swarm.leechers],
    ['downloaded', swarm.downloaded],
    ['interval', config.interval],
    ['min interval', config.minInterval],
  ]);
  // The requester's own family first, then the other one with whatever numwant is left.
  const want = event === 'stopped' ? 0 : numwant;
  const other = list === swarm.v4 ? swarm.v6 : swarm.v4;
  if (compact) {
    const first = compactList(list, self, want);
    const second = compactList(other, -1, want - first.length / list.size);
    const [v4, v6] = list === swarm.v4 ? [first, second] : [second, first];
    reply.set('peers', v4);
    if (v6.length > 0) reply.set('peers6', v6);
  } else {
    const first = samplePeers(list, self, want).map((slot) => dictionaryPeer(list, slot, noPeerId));
    const second = samplePeers(other, -1, want - first.length).map((slot) => dictionaryPeer(other, slot, noPeerId));
    reply.set('peers', [...first, ...second]);
  }
  return bencode(reply);
}

function compactList(list: PeerList, self: number, want: number): Buffer {
  const count = compactPeerCount(list, self, want);
  const out = Buffer.allocUnsafe(count * list.size);
  if (count > 0) writeCompactPeers(list, self, count, out, 0);
  return out;
}

function dictionaryPeer(list: PeerList, slot: number, noPeerId: boolean): BEncodable {
  const at = slot * list.size;
  const dict = new Map<string, BEncodable>([
    ['ip', ipText(list.data.subarray(at, at + list.size - 2))],
    ['port', list.data.readUInt16BE(at + list.size - 2)],
  ]);
  if (!noPeerId) dict.set('peer id', Buffer.from(list.idOf(slot)));
  return dict;
}

function scrape(config: HttpTrackerConfig, query: RawQuery): Uint8Array {
  const requested = query.get('info_hash') ?? [];
  if (requested.length > config.maxScrape) throw new QueryError(`A scrape may name at most ${config.maxScrape} torrents.`);
  // Keyed by the raw 20-byte info-hashes.
  const files = new Map<string, BEncodable>();
  const entry = (c: { complete: number; incomplete: number; downloaded: number }): BEncodable => ({
    complete: c.complete,
    downloaded: c.downloaded,
    incomplete: c.incomplete,
  });
  if (requested.length === 0) {
    for (const swarm of config.store.swarms(config.maxScrape)) {
      files.set(binaryKey(swarm.hash), entry({ complete: swarm.seeders, incomplete: swarm.leechers, downloaded: swarm.downloaded }));
    }
  } else {
    const seen = new Set<string>();
    for (const hash of requested) {
      if (hash.length !== 20) throw new QueryError(`The parameter info_hash must be 20 bytes, not ${hash.length}.`);
      const hex = hash.toString('hex');
      if (seen.has(hex) || !config.store.isAllowed(hash)) continue;
      seen.add(hex);
      files.set(binaryKey(hash), entry(config.store.counts(hash)));
    }
  }
  return bencode({ files });
}
