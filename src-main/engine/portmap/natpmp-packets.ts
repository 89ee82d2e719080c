/**
 * NAT-PMP messages (RFC 6886): the client's requests and the gateway's replies, version 0 only.
 * Every reply is checked for its length, version and opcode before anything in it is believed.
 */

export type MapProtocol = 'tcp' | 'udp';

const VERSION = 0;
const OP_EXTERNAL = 0;
const OP_UDP = 1;
const OP_TCP = 2;
/** A reply's opcode is the request's plus 128. */
const REPLY = 128;

/** RFC 6886 §3.5's result codes, as sentences for the status bar. */
const RESULTS: Record<number, string> = {
  1: 'unsupported version',
  2: 'not authorized (mapping disabled on the router)',
  3: 'network failure (the router has no external address)',
  4: 'out of resources',
  5: 'unsupported opcode',
};

export type NatPmpReply =
  | { readonly kind: 'external'; readonly epoch: number; readonly address: string }
  | { readonly kind: 'map'; readonly protocol: MapProtocol; readonly epoch: number; readonly internalPort: number; readonly externalPort: number; readonly lifetime: number };

export function externalAddressRequest(): Buffer {
  return Buffer.from([VERSION, OP_EXTERNAL]);
}

/** A mapping request; a lifetime of 0 deletes the mapping (and the external port must then be 0). */
export function mapRequest(protocol: MapProtocol, internalPort: number, externalPort: number, lifetime: number): Buffer {
  const b = Buffer.alloc(12);
  b[0] = VERSION;
  b[1] = protocol === 'udp' ? OP_UDP : OP_TCP;
  b.writeUInt16BE(internalPort, 4);
  b.writeUInt16BE(lifetime === 0 ? 0 : externalPort, 6);
  b.writeUInt32BE(lifetime, 8);
  return b;
}

/** A gateway's reply, or a sentence saying why it is refused. */
export function parseNatPmpReply(b: Buffer): NatPmpReply | { readonly error: string } {
  if (b.length < 8) return { error: `a NAT-PMP reply of ${b.length} bytes is too short` };
  if (b[0] !== VERSION) return { error: `NAT-PMP version ${b[0]} is not 0` };
  const op = b[1]!;
  if (op < REPLY) return { error: 'a NAT-PMP request where a reply was expected' };
  const result = b.readUInt16BE(2);
  if (result !== 0) return { error: `the router refused: ${RESULTS[result] ?? `result code ${result}`}` };
  const epoch = b.readUInt32BE(4);
  if (op === REPLY + OP_EXTERNAL) {
    if (b.length !== 12) return { error: `an external address reply of ${b.length} bytes, not 12` };
    return { kind: 'external', epoch, address: [...b.subarray(8, 12)].join('.') };
  }
  if (op === REPLY + OP_UDP || op === REPLY + OP_TCP) {
    if (b.length !== 16) return { error: `a mapping reply of ${b.length} bytes, not 16` };
    return { kind: 'map', protocol: op === REPLY + OP_UDP ? 'udp' : 'tcp', epoch, internalPort: b.readUInt16BE(8), externalPort: b.readUInt16BE(10), lifetime: b.readUInt32BE(12) };
  }
  return { error: `unknown NAT-PMP opcode ${op}` };
}
