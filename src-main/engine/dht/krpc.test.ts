import { describe, expect, it } from 'vitest';
import { bencode } from '../bencode';
import { encodeNodes } from './compact';
import { encodeError, encodeQuery, encodeResponse, KrpcError, MAX_MESSAGE_BYTES, parseMessage } from './krpc';
import { randomId } from './node-id';

const id = randomId();
const t = Buffer.from('aa');
const raw = (value: Parameters<typeof bencode>[0]) => Buffer.from(bencode(value));

describe('KRPC messages', () => {
  it('round-trips each query', () => {
    const target = randomId();
    const token = Buffer.from('tok');
    const cases = [
      { method: 'ping' as const },
      { method: 'find_node' as const, target, want: { v4: true, v6: true } },
      { method: 'get_peers' as const, infoHash: target },
      { method: 'announce_peer' as const, infoHash: target, port: 6881, impliedPort: false, token },
    ];
    for (const query of cases) {
      const bytes = encodeQuery(t, id, query);
      const m = parseMessage(bytes);
      expect(m).toEqual({ y: 'q', t, id, query, readOnly: false, size: bytes.length });
    }
  });

  it('round-trips a reply with nodes, nodes6, values, token and our address', () => {
    const nodes = [{ id: randomId(), host: '1.2.3.4', port: 5 }];
    const nodes6 = [{ id: randomId(), host: '2001:db8::1', port: 6 }];
    const values = [{ host: '9.8.7.6', port: 51413 }];
    const bytes = encodeResponse(t, id, { host: '4.3.2.1', port: 99 }, { nodes, nodes6, values, token: Buffer.from('xyz') });
    const m = parseMessage(bytes);
    // IPv6 comes back in the one spelling it went out in.
    expect(m).toEqual({ y: 'r', t, id, ip: { host: '4.3.2.1', port: 99 }, response: { nodes, nodes6, values, token: Buffer.from('xyz') } });
  });

  it('reads errors and unknown methods', () => {
    expect(parseMessage(encodeError(t, 204, 'Method Unknown'))).toEqual({ y: 'e', t, code: 204, message: 'Method Unknown' });
    const m = parseMessage(raw({ t, y: 'q', q: 'sample_infohashes', a: { id, target: id } }));
    expect(m.y === 'q' && m.query).toEqual({ method: 'unknown', name: 'sample_infohashes' });
  });

  it('reads `want` (BEP 32) and read-only queries', () => {
    const m = parseMessage(raw({ t, y: 'q', q: 'get_peers', a: { id, info_hash: id, want: ['n6'], ro: 1 } }));
    expect(m.y === 'q' && m.readOnly).toBe(true);
    expect(m.y === 'q' && m.query).toEqual({ method: 'get_peers', infoHash: id, want: { v4: false, v6: true } });
  });

  const refused: [string, Buffer][] = [
    ['not bencode', Buffer.from('hello')],
    ['not a dictionary', raw([1, 2])],
    ['no transaction id', raw({ y: 'q', q: 'ping', a: { id } })],
    ['a long transaction id', raw({ t: Buffer.alloc(40), y: 'q', q: 'ping', a: { id } })],
    ['a short node id', raw({ t, y: 'q', q: 'ping', a: { id: Buffer.alloc(19) } })],
    ['a long node id', raw({ t, y: 'r', r: { id: Buffer.alloc(21) } })],
    ['a short info-hash', raw({ t, y: 'q', q: 'get_peers', a: { id, info_hash: Buffer.alloc(5) } })],
    ['announce without token', raw({ t, y: 'q', q: 'announce_peer', a: { id, info_hash: id, port: 1 } })],
    ['announce with a long token', raw({ t, y: 'q', q: 'announce_peer', a: { id, info_hash: id, port: 1, token: Buffer.alloc(65) } })],
    ['announce with port 0', raw({ t, y: 'q', q: 'announce_peer', a: { id, info_hash: id, port: 0, token: t } })],
    ['nodes of a broken length', raw({ t, y: 'r', r: { id, nodes: Buffer.alloc(27) } })],
    ['values that are not a list', raw({ t, y: 'r', r: { id, values: Buffer.alloc(6) } })],
    ['an unknown type', raw({ t, y: 'z' })],
    ['too deep', Buffer.from(`d1:t2:aa1:y1:q1:q4:ping1:ad2:id20:${'x'.repeat(20)}1:xlllllleeeeeeee`)],
    ['too big', raw({ t, y: 'q', q: 'ping', a: { id, pad: Buffer.alloc(MAX_MESSAGE_BYTES) } })],
  ];
  it.each(refused)('refuses %s', (_, bytes) => {
    expect(() => parseMessage(bytes)).toThrow(KrpcError);
  });

  it('names the transaction of a query it refuses, so it can be answered with error 203', () => {
    try {
      parseMessage(raw({ t, y: 'q', q: 'ping', a: { id: Buffer.alloc(3) } }));
      expect.unreachable();
    } catch (err) {
      expect(err instanceof KrpcError && err.queryTid).toEqual(t);
    }
  });

  it('bounds node and peer lists, skipping bad entries', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ id: randomId(), host: '1.2.3.4', port: i + 1 }));
    const values = [...Array.from({ length: 150 }, (_, i) => Buffer.from([1, 2, 3, 4, 0, i + 1])), Buffer.alloc(5)];
    const flood = parseMessage(raw({ t, y: 'r', r: { id, values } }));
    expect(flood.y === 'r' && flood.response.values).toHaveLength(100);
    // More values than fit the decoder's value bound are refused outright.
    expect(() => parseMessage(raw({ t, y: 'r', r: { id, values: Array.from({ length: 300 }, () => Buffer.alloc(1)) } }))).toThrow(KrpcError);
    const m = parseMessage(raw({ t, y: 'r', r: { id, nodes: encodeNodes(many, 4), values: [...values.slice(0, 30), Buffer.alloc(5), Buffer.from([1, 2, 3, 4, 0, 0])] } }));
    expect(m.y === 'r' && m.response.nodes).toHaveLength(16);
    expect(m.y === 'r' && m.response.values).toHaveLength(30);
  });
});
