// A DHT datagram (BEP 5 KRPC) from anyone on the internet; a query we parsed must encode and parse
// back to the same method.
import { KrpcError, encodeQuery, parseMessage } from '../../../engine/dht/krpc';
import type { FuzzTarget } from '../target';

const target: FuzzTarget = {
  fuzz(data) {
    const message = parseMessage(data);
    if (message.y !== 'q' || message.query.method === 'unknown') return;
    const again = parseMessage(encodeQuery(message.t, message.id, message.query));
    if (again.y !== 'q' || again.query.method !== message.query.method) throw new Error('a parsed query does not encode back to the same method');
  },
  isRefusal: (err) => err instanceof KrpcError,
  dictionary: [
    'd', 'e', 'l', 'i', '1:t', '2:aa', '1:y', '1:q', '1:r', '1:e', '1:a', '2:id', '20:abcdefghij0123456789', '4:ping', '9:find_node',
    '9:get_peers', '13:announce_peer', '6:target', '9:info_hash', '4:port', '5:token', '12:implied_port', '5:nodes', '6:nodes6',
    '6:values', '4:want', '2:n4', '2:n6', '2:ip', '2:ro', 'i201e', '6:\x7f\x00\x00\x01\x1a\xe1',
  ],
};
export default target;
