// Test support: a UDP relay with loss, delay and reordering, for uTP through a bad link on a
// kernel without netem. Each client gets its own upstream socket, so the target sees one address
// per client and its answers find their way back.
import { createSocket, type Socket } from 'node:dgram';

export interface LinkFaults {
  /** Chance each datagram is dropped, each way (0.02: 2%). */
  readonly loss: number;
  /** Added one-way delay, ms. */
  readonly delayMs: number;
  /** Extra random delay up to this, ms: datagrams overtake each other. */
  readonly jitterMs: number;
}

export interface LossyUdpRelay {
  /** Where clients send: the relay stands in for the target there. */
  readonly port: number;
  /** Datagrams forwarded and dropped, both ways together. */
  readonly stats: { forwarded: number; dropped: number };
  close(): Promise<void>;
}

/** Relays datagrams between clients on 127.0.0.1:`port` and `target` (on 127.0.0.1) with `faults`. */
export async function startLossyUdpRelay(targetPort: number, faults: LinkFaults): Promise<LossyUdpRelay> {
  const front = await bound();
  const upstreams = new Map<string, Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const stats = { forwarded: 0, dropped: 0 };
  const pass = (send: () => void): void => {
    if (Math.random() < faults.loss) {
      stats.dropped++;
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      stats.forwarded++;
      send();
    }, faults.delayMs + Math.random() * faults.jitterMs);
    timers.add(timer);
  };
  front.on('message', (bytes, client) => {
    const key = `${client.address}:${client.port}`;
    let upstream = upstreams.get(key);
    if (upstream === undefined) {
      const socket = createSocket('udp4');
      upstream = socket;
      upstreams.set(key, socket);
      socket.bind(0, '127.0.0.1');
      socket.on('message', (answer) => pass(() => front.send(answer, client.port, client.address)));
    }
    const via = upstream;
    pass(() => via.send(bytes, targetPort, '127.0.0.1'));
  });
  return {
    port: front.address().port,
    stats,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([front, ...upstreams.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  socket.setRecvBufferSize(4 * 1024 * 1024);
  return socket;
}
