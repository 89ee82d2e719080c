import { ShoalError } from '../../../src-shared/errors';
import { addressKey, parseHostPort, type PeerAddress } from '../net/peer-address';

/** What a magnet URI says about a torrent; everything but the info-hash is optional. */
export interface Magnet {
  /** The `btih` (SHA-1) info-hash; the `btmh` one's first 20 bytes when the link has no `btih`. */
  readonly infoHash: Uint8Array;
  /** `infoHash` as 40 lowercase hex digits. */
  readonly infoHashHex: string;
  /** The `btmh` (BEP 52, SHA-256) info-hash of a v2 or hybrid torrent, 32 bytes. */
  readonly infoHashV2?: Uint8Array;
  /** `dn`: a display name until the metadata arrives. */
  readonly name?: string;
  /** `xl`: the total length in bytes. */
  readonly length?: number;
  /** `tr`, in order, duplicates removed. */
  readonly trackers: readonly string[];
  /** `ws` web seeds (BEP 19), in order, duplicates removed. */
  readonly webSeeds: readonly string[];
  /** `x.pe` peers to dial (BEP 9), in order, duplicates and malformed ones dropped. */
  readonly peers: readonly PeerAddress[];
}

// Real magnets are a few hundred bytes; this bounds the work done on a pasted blob.
const maxUriLength = 64 * 1024;
const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Enough for any real magnet; bounds what a pasted link can make us dial. */
const maxPeers = 200;

function invalid(sentence: string): never {
  throw new ShoalError('invalid-magnet', `Invalid magnet link: ${sentence}.`);
}

/** Parses a magnet URI (BEP 9): `xt=urn:btih:` in hex or base32, `dn`, `tr`, `ws`, `xl`. */
export function parseMagnet(uri: string): Magnet {
  const text = uri.trim();
  if (text.length > maxUriLength) invalid(`it is longer than ${maxUriLength} characters`);
  if (!/^magnet:\?/i.test(text)) invalid("it does not start with 'magnet:?'");

  let infoHash: Uint8Array | undefined;
  let infoHashV2: Uint8Array | undefined;
  let name: string | undefined;
  let length: number | undefined;
  const trackers = new Set<string>();
  const webSeeds = new Set<string>();
  const peers = new Map<string, PeerAddress>();
  for (const pair of text.slice('magnet:?'.length).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    // Keys may carry an index (`tr.1`), which only orders them.
    const key = (eq < 0 ? pair : pair.slice(0, eq)).toLowerCase().replace(/\.\d+$/, '');
    const raw = eq < 0 ? '' : pair.slice(eq + 1);
    const value = decode(key === 'dn' ? raw.replace(/\+/g, ' ') : raw, key);
    switch (key) {
      case 'xt': {
        const match = /^urn:(btih|btmh):(.*)$/i.exec(value);
        if (match?.[1]?.toLowerCase() === 'btmh') infoHashV2 ??= decodeMultihash(match[2]!);
        else if (match && infoHash === undefined) infoHash = decodeInfoHash(match[2]!);
        break;
      }
      case 'dn':
        if (value !== '') name = value;
        break;
      case 'xl':
        // A wrong length is only a hint; the metadata will tell the truth.
        if (/^\d{1,16}$/.test(value) && Number.isSafeInteger(Number(value))) length = Number(value);
        break;
      case 'tr':
        if (URL.canParse(value)) trackers.add(value);
        break;
      case 'ws':
        if (URL.canParse(value)) webSeeds.add(value);
        break;
      case 'x.pe': {
        const peer = parseHostPort(value);
        if (peer && peers.size < maxPeers) peers.set(addressKey(peer), peer);
        break;
      }
    }
  }
  // A v2-only link (BEP 52): the torrent is named by its v2 hash cut to 20 bytes.
  infoHash ??= infoHashV2?.slice(0, 20);
  if (infoHash === undefined) invalid('it has no BitTorrent info-hash (xt=urn:btih:… or xt=urn:btmh:…)');
  return {
    infoHash,
    infoHashHex: Buffer.from(infoHash).toString('hex'),
    ...(infoHashV2 !== undefined && { infoHashV2 }),
    ...(name !== undefined && { name }),
    ...(length !== undefined && { length }),
    trackers: [...trackers],
    webSeeds: [...webSeeds],
    peers: [...peers.values()],
  };
}

/** Formats a magnet URI that `parseMagnet` reads back to the same `Magnet`. */
export function formatMagnet(magnet: Magnet): string {
  const v2 = magnet.infoHashV2;
  const v2Only = v2 !== undefined && Buffer.compare(v2.subarray(0, 20), magnet.infoHash) === 0;
  const parts = v2Only ? [] : [`xt=urn:btih:${magnet.infoHashHex}`];
  if (v2 !== undefined) parts.push(`xt=urn:btmh:1220${Buffer.from(v2).toString('hex')}`);
  if (magnet.name !== undefined) parts.push(`dn=${encodeURIComponent(magnet.name)}`);
  if (magnet.length !== undefined) parts.push(`xl=${magnet.length}`);
  for (const tr of magnet.trackers) parts.push(`tr=${encodeURIComponent(tr)}`);
  for (const ws of magnet.webSeeds) parts.push(`ws=${encodeURIComponent(ws)}`);
  for (const peer of magnet.peers) parts.push(`x.pe=${encodeURIComponent(addressKey(peer))}`);
  return `magnet:?${parts.join('&')}`;
}

function decode(value: string, key: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    invalid(`its '${key}' value has a malformed %-escape`);
  }
}

function decodeInfoHash(text: string): Uint8Array {
  if (/^[0-9a-f]{40}$/i.test(text)) return new Uint8Array(Buffer.from(text, 'hex'));
  if (/^[a-z2-7]{32}$/i.test(text)) return decodeBase32(text.toUpperCase());
  invalid('its info-hash must be 40 hex digits or 32 base32 characters');
}

/** BEP 9's `btmh`: a multihash in hex; BEP 52 uses SHA-256 (code 0x12, 32 bytes), so `1220` and 64 hex digits. */
function decodeMultihash(text: string): Uint8Array {
  if (/^1220[0-9a-f]{64}$/i.test(text)) return new Uint8Array(Buffer.from(text.slice(4), 'hex'));
  invalid("its btmh info-hash must be a SHA-256 multihash: '1220' and 64 hex digits");
}

// RFC 4648 base32 without padding: 32 characters of 5 bits are exactly 20 bytes.
function decodeBase32(text: string): Uint8Array {
  const out = new Uint8Array(20);
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const ch of text) {
    acc = ((acc << 5) | base32Alphabet.indexOf(ch)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}
