import { isIPv4, isIPv6 } from 'node:net';
import { ShoalError } from '../../../src-shared/errors';
import { bencode, type BValue } from '../bencode';
import { ipBytes, ipText } from '../net/ip-bytes';
import { decodeExtensionDict } from './extension-dict';

/** The extension name in the BEP 10 `m` dictionary. */
export const UT_PEX = 'ut_pex';
/** BEP 11: at most 50 added and 50 dropped peers per message; we accept a little slack. */
const MAX_PEERS_PER_LIST = 200;

export interface PexPeer {
  readonly host: string;
  readonly port: number;
  /** BEP 11 flags byte: 0x01 prefers encryption, 0x02 is a seed, 0x04 supports uTP, 0x10 reachable. */
  readonly flags?: number;
}

export interface PexMessage {
  readonly added: readonly PexPeer[];
  readonly dropped: readonly PexPeer[];
}

export const PEX_SEED = 0x02;

/** The payload of a `ut_pex` extended message. */
export function encodePexMessage(m: PexMessage): Uint8Array {
  const dict: Record<string, Uint8Array> = {};
  const added = m.added.map(unmapped);
  const dropped = m.dropped.map(unmapped);
  const add4 = added.filter((p) => isIPv4(p.host));
  const add6 = added.filter((p) => isPlainIPv6(p.host));
  dict.added = compact(add4, 4);
  dict['added.f'] = Uint8Array.from(add4, (p) => p.flags ?? 0);
  dict.dropped = compact(dropped.filter((p) => isIPv4(p.host)), 4);
  if (add6.length > 0) {
    dict.added6 = compact(add6, 16);
    dict['added6.f'] = Uint8Array.from(add6, (p) => p.flags ?? 0);
  }
  const drop6 = dropped.filter((p) => isPlainIPv6(p.host));
  if (drop6.length > 0) dict.dropped6 = compact(drop6, 16);
  return bencode(dict);
}

/** Reads a peer's PEX message; malformed lists are a protocol error, port 0 entries are skipped. */
export function parsePexMessage(payload: Uint8Array): PexMessage {
  const { dict: d } = decodeExtensionDict(payload, 'a PEX message');
  return {
    added: [...peers(d.get('added'), d.get('added.f'), 4), ...peers(d.get('added6'), d.get('added6.f'), 16)],
    dropped: [...peers(d.get('dropped'), undefined, 4), ...peers(d.get('dropped6'), undefined, 16)],
  };
}

/** `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) travels as the IPv4 address. */
function unmapped(p: PexPeer): PexPeer {
  const rest = p.host.startsWith('::ffff:') ? p.host.slice(7) : '';
  return isIPv4(rest) ? { ...p, host: rest } : p;
}

/** IPv6 that means the same to every peer: no zone (link-local ones with a zone do not travel). */
function isPlainIPv6(host: string): boolean {
  return isIPv6(host) && !host.includes('%');
}

function compact(list: readonly PexPeer[], addressLength: 4 | 16): Uint8Array {
  const size = addressLength + 2;
  const out = new Uint8Array(list.length * size);
  list.forEach((p, n) => {
    const at = n * size;
    out.set(ipBytes(p.host)!, at);
    out[at + addressLength] = p.port >>> 8;
    out[at + addressLength + 1] = p.port & 0xff;
  });
  return out;
}

function peers(list: BValue | undefined, flags: BValue | undefined, addressLength: 4 | 16): PexPeer[] {
  if (list === undefined) return [];
  const size = addressLength + 2;
  if (!(list instanceof Uint8Array) || list.length % size !== 0 || list.length / size > MAX_PEERS_PER_LIST) {
    throw new ShoalError('protocol', 'The peer sent a malformed PEX peer list.');
  }
  const f = flags instanceof Uint8Array && flags.length === list.length / size ? flags : undefined;
  const out: PexPeer[] = [];
  for (let at = 0, n = 0; at < list.length; at += size, n++) {
    const port = (list[at + addressLength]! << 8) | list[at + addressLength + 1]!;
    if (port === 0) continue;
    const host = ipText(list.subarray(at, at + addressLength));
    out.push(f ? { host, port, flags: f[n]! } : { host, port });
  }
  return out;
}
