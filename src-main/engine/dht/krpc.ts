import { asBytes, asInt, bdecode, bencode, BencodeError, isDict, isList, type BDict, type BencodeLimits, type BValue } from '../bencode';
import type { PeerAddress } from '../net/peer-address';
import { decodeNodes, decodePeer, encodeNodes, encodePeer, type NodeInfo } from './compact';
import { ID_LENGTH } from './node-id';
import { ipBytes } from '../net/ip-bytes';

/**
 * KRPC (BEP 5) messages: parsed from a datagram into checked, typed values, and built from them.
 * Everything from the network is bounded here: size, nesting, id and token lengths, list sizes.
 */

/** A KRPC datagram is far smaller than this; anything bigger is not one. */
export const MAX_MESSAGE_BYTES = 1500;
const limits: BencodeLimits = { maxBytes: MAX_MESSAGE_BYTES, maxDepth: 4, maxValues: 256, maxStringBytes: MAX_MESSAGE_BYTES, maxIntegerDigits: 10 };
const MAX_TID_BYTES = 16;
const MAX_TOKEN_BYTES = 64;
/** Nodes read from one reply's `nodes` or `nodes6` (K is 8; a few implementations send more). */
const MAX_NODES_PER_LIST = 16;
/** Peers read from one reply's `values`. */
const MAX_VALUES = 100;

export const ERROR_GENERIC = 201;
export const ERROR_SERVER = 202;
export const ERROR_PROTOCOL = 203;
export const ERROR_METHOD_UNKNOWN = 204;

export type Want = { readonly v4: boolean; readonly v6: boolean };

export type Query =
  | { readonly method: 'ping' }
  | { readonly method: 'find_node'; readonly target: Buffer; readonly want?: Want }
  | { readonly method: 'get_peers'; readonly infoHash: Buffer; readonly want?: Want }
  | { readonly method: 'announce_peer'; readonly infoHash: Buffer; readonly port: number; readonly impliedPort: boolean; readonly token: Buffer }
  | { readonly method: 'unknown'; readonly name: string };

export interface Response {
  readonly nodes?: NodeInfo[];
  readonly nodes6?: NodeInfo[];
  readonly values?: PeerAddress[];
  readonly token?: Buffer;
}

export type Message =
  /** `size`: the datagram's length, which a reply to an unverified address may not exceed. */
  | { readonly y: 'q'; readonly t: Buffer; readonly id: Buffer; readonly query: Query; readonly readOnly: boolean; readonly size: number }
  | { readonly y: 'r'; readonly t: Buffer; readonly id: Buffer; readonly response: Response; readonly ip?: PeerAddress }
  | { readonly y: 'e'; readonly t: Buffer; readonly code: number; readonly message: string };

/** Why a datagram was refused; `t` is set when it was a query we can answer with error 203. */
export class KrpcError extends Error {
  constructor(message: string, readonly queryTid?: Buffer) {
    super(message);
  }
}

/** Parses one datagram. Throws KrpcError for anything malformed or out of bounds. */
export function parseMessage(bytes: Uint8Array): Message {
  let root: BValue;
  try {
    root = bdecode(bytes, { limits, unsortedKeys: true, nonCanonicalNumbers: true });
  } catch (err) {
    if (err instanceof BencodeError) throw new KrpcError(`not a KRPC message: ${err.message}`);
    throw err;
  }
  if (!isDict(root)) throw new KrpcError('not a KRPC message: not a dictionary');
  const t = asBytes(root.get('t'));
  if (!t || t.length === 0 || t.length > MAX_TID_BYTES) throw new KrpcError('bad transaction id');
  const tid = Buffer.from(t);
  const y = text(root.get('y'));
  if (y === 'q') return parseQuery(root, tid, bytes.length);
  if (y === 'r') {
    const r = root.get('r');
    if (!isDict(r)) throw new KrpcError('response without r');
    const ipBytes = asBytes(root.get('ip'));
    const ip = ipBytes ? decodePeer(ipBytes) : undefined;
    return { y: 'r', t: tid, id: nodeId(r), response: parseResponse(r), ...(ip ? { ip } : {}) };
  }
  if (y === 'e') {
    const e = root.get('e');
    const code = isList(e) ? asInt(e[0]) : undefined;
    const message = isList(e) ? text(e[1]) : undefined;
    return { y: 'e', t: tid, code: code ?? ERROR_GENERIC, message: (message ?? '').slice(0, 200) };
  }
  throw new KrpcError('unknown message type');
}

function parseQuery(root: BDict, t: Buffer, size: number): Message {
  const name = text(root.get('q'));
  const a = root.get('a');
  if (name === undefined || !isDict(a)) throw new KrpcError('query without q or a', t);
  const id = nodeId(a, t);
  const readOnly = asInt(a.get('ro')) === 1;
  const want = parseWant(a.get('want'));
  const hash = (key: string): Buffer => {
    const v = asBytes(a.get(key));
    if (!v || v.length !== ID_LENGTH) throw new KrpcError(`${name} without a 20-byte ${key}`, t);
    return Buffer.from(v);
  };
  let query: Query;
  switch (name) {
    case 'ping':
      query = { method: 'ping' };
      break;
    case 'find_node':
      query = { method: 'find_node', target: hash('target'), ...(want ? { want } : {}) };
      break;
    case 'get_peers':
      query = { method: 'get_peers', infoHash: hash('info_hash'), ...(want ? { want } : {}) };
      break;
    case 'announce_peer': {
      const port = asInt(a.get('port'));
      const token = asBytes(a.get('token'));
      const impliedPort = asInt(a.get('implied_port')) === 1;
      if (!token || token.length > MAX_TOKEN_BYTES) throw new KrpcError('announce_peer without a token', t);
      if (!impliedPort && (port === undefined || port < 1 || port > 65535)) throw new KrpcError('announce_peer without a valid port', t);
      query = { method: 'announce_peer', infoHash: hash('info_hash'), port: port ?? 0, impliedPort, token: Buffer.from(token) };
      break;
    }
    default:
      query = { method: 'unknown', name: name.slice(0, 32) };
  }
  return { y: 'q', t, id, query, readOnly, size };
}

function parseResponse(r: BDict): Response {
  const list = (key: string, family: 4 | 6): NodeInfo[] | undefined => {
    const raw = asBytes(r.get(key));
    if (!raw) return undefined;
    const nodes = decodeNodes(raw, family, MAX_NODES_PER_LIST);
    if (!nodes) throw new KrpcError(`${key} is not a whole number of nodes`);
    return nodes;
  };
  const nodes = list('nodes', 4);
  const nodes6 = list('nodes6', 6);
  const token = asBytes(r.get('token'));
  if (token && token.length > MAX_TOKEN_BYTES) throw new KrpcError('token too long');
  const rawValues = r.get('values');
  let values: PeerAddress[] | undefined;
  if (rawValues !== undefined) {
    if (!isList(rawValues)) throw new KrpcError('values is not a list');
    values = [];
    for (const item of rawValues.slice(0, MAX_VALUES)) {
      const peer = asBytes(item) && decodePeer(asBytes(item)!);
      if (peer) values.push(peer);
    }
  }
  return { ...(nodes ? { nodes } : {}), ...(nodes6 ? { nodes6 } : {}), ...(values ? { values } : {}), ...(token ? { token: Buffer.from(token) } : {}) };
}

function parseWant(value: BValue | undefined): Want | undefined {
  if (!isList(value)) return undefined;
  const names = value.slice(0, 4).map(text);
  return { v4: names.includes('n4'), v6: names.includes('n6') };
}

function nodeId(dict: BDict, t?: Buffer): Buffer {
  const id = asBytes(dict.get('id'));
  if (!id || id.length !== ID_LENGTH) throw new KrpcError('node id is not 20 bytes', t);
  return Buffer.from(id);
}

function text(value: BValue | undefined): string | undefined {
  const b = asBytes(value);
  return b ? Buffer.from(b).toString('latin1') : undefined;
}

/** Our client version in every message (BEP 5's optional `v`). */
const VERSION = Buffer.from('SH01', 'latin1');

export function encodeQuery(t: Buffer, id: Buffer, query: Exclude<Query, { method: 'unknown' }>): Buffer {
  const a: Record<string, Uint8Array | number | string[]> = { id };
  if (query.method === 'find_node') a.target = query.target;
  if (query.method === 'get_peers') a.info_hash = query.infoHash;
  if (query.method === 'announce_peer') {
    Object.assign(a, { info_hash: query.infoHash, port: query.port, token: query.token });
    if (query.impliedPort) a.implied_port = 1;
  }
  if ((query.method === 'find_node' || query.method === 'get_peers') && query.want) {
    a.want = [...(query.want.v4 ? ['n4'] : []), ...(query.want.v6 ? ['n6'] : [])];
  }
  return Buffer.from(bencode({ t, y: 'q', q: query.method, a, v: VERSION }));
}

/**
 * A reply; `to` is the asker's address, echoed as BEP 42's `ip` so it can learn its external
 * address. `bare` leaves out `ip` and `v`, for a reply that must stay small.
 */
export function encodeResponse(t: Buffer, id: Buffer, to: PeerAddress, response: Response, bare = false): Buffer {
  const r: Record<string, Uint8Array | Uint8Array[]> = { id };
  if (response.nodes) r.nodes = encodeNodes(response.nodes, 4);
  if (response.nodes6) r.nodes6 = encodeNodes(response.nodes6, 6);
  if (response.token) r.token = response.token;
  if (response.values) r.values = response.values.flatMap((p) => encodePeer(p) ?? []);
  const ip = !bare && ipBytes(to.host) ? encodePeer(to) : undefined;
  return Buffer.from(bencode({ t, y: 'r', r, ...(bare ? {} : { v: VERSION }), ...(ip ? { ip } : {}) }));
}

export function encodeError(t: Buffer, code: number, message: string): Buffer {
  return Buffer.from(bencode({ t, y: 'e', e: [code, message] }));
}
