// A UDP tracker's replies (BEP 15) to the real client over loopback: the input is the connect
// reply's connection id and then the announce or scrape reply, with the transaction id the client
// chose put in, so the fuzzer reaches the parsing rather than the spoofing check.
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { UdpTrackerClient } from '../../../engine/tracker/udp-tracker-client';
import type { AnnounceRequest } from '../../../engine/tracker/tracker-types';
import type { FuzzTarget } from '../target';

let tracker: Promise<{ socket: Socket; port: number }> | undefined;
let script: Uint8Array = new Uint8Array(0);

function startTracker(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  socket.on('message', (request, from) => {
    if (request.length < 16) return;
    const transaction = request.readUInt32BE(12);
    const isConnect = request.readUInt32BE(8) === 0;
    const reply = Buffer.from(isConnect ? script.subarray(0, 16) : script.subarray(16));
    if (reply.length >= 8) {
      // Low bit of the first byte: keep the fuzzed action, or answer with the one asked for.
      if (!(script[0]! & 1)) reply.writeUInt32BE(request.readUInt32BE(8), 0);
      reply.writeUInt32BE(transaction, 4);
    }
    socket.send(reply, from.port, from.address);
  });
  socket.unref();
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve({ socket, port: (socket.address() as AddressInfo).port })));
}

const request: AnnounceRequest = {
  infoHash: new Uint8Array(20).fill(1),
  peerId: new Uint8Array(20).fill(2),
  port: 6881,
  uploaded: 0,
  downloaded: 0,
  left: 100,
  event: 'started',
  key: 7,
  numwant: 50,
};

const target: FuzzTarget = {
  async fuzz(data) {
    tracker ??= startTracker();
    const { port } = await tracker;
    script = data;
    const client = new UdpTrackerClient(`udp://127.0.0.1:${port}`, { retryBaseMs: 20, maxRetries: 0 });
    if (data[0]! & 2) await client.scrape(request.infoHash);
    else await client.announce(request);
  },
  maxInputBytes: 2048,
  dictionary: ['\x00\x00\x00\x00', '\x00\x00\x00\x01', '\x00\x00\x00\x02', '\x00\x00\x00\x03', '\x00\x00\x07\x08', '\x7f\x00\x00\x01\x1a\xe1'],
};
export default target;
