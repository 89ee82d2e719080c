import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrame, defaultLimitSettings, encodeFrame, PROTOCOL_VERSION, type RequestMessage, type ServerMessage } from '../../../src-shared/contract';
import { connectWebSocket, type ConnectionStatus, type ShoalWebSocketClient, type WebSocketLike } from './ws-client';

/** A scripted server end: each socket the client opens, and what the client sent on it. */
class FakeSocket implements WebSocketLike {
  binaryType = 'blob';
  readyState = 0;
  readonly sent: RequestMessage[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  send(data: Uint8Array): void {
    this.sent.push(decodeFrame(data) as RequestMessage);
  }
  close(): void {
    this.drop(1000);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  reply(message: ServerMessage): void {
    const frame = encodeFrame(message);
    this.onmessage?.({ data: frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) });
  }
  drop(code = 1006): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  last(): RequestMessage {
    return this.sent[this.sent.length - 1]!;
  }
  /** Answers the hello the client sends on open. */
  greet(): void {
    const hello = this.last();
    expect(hello).toMatchObject({ name: 'hello', input: { protocolVersion: PROTOCOL_VERSION } });
    this.reply({ type: 'result', id: hello.id, output: { protocolVersion: PROTOCOL_VERSION, appVersion: '9.9.9' } });
  }
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Waits for a condition (timers on a busy machine fire late, never early). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await tick(5);
  expect(condition()).toBe(true);
}
let clients: ShoalWebSocketClient[] = [];
afterEach(() => {
  clients.forEach((c) => c.close());
  clients = [];
});

function setup(): { client: ShoalWebSocketClient; sockets: FakeSocket[]; statuses: ConnectionStatus['state'][] } {
  const sockets: FakeSocket[] = [];
  const client = connectWebSocket('ws://127.0.0.1:1/ws', {
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    reconnectDelayMs: 10,
    onInvalid: () => {},
  });
  clients.push(client);
  const statuses: ConnectionStatus['state'][] = [];
  client.onStatus((s) => statuses.push(s.state));
  return { client, sockets, statuses };
}

describe('WebSocket client', { timeout: 5000 }, () => {
  it('holds commands until hello succeeds, then sends them as binary frames', async () => {
    const { client, sockets } = setup();
    const settings = client.invoke('getSettings', {});
    sockets[0]!.open();
    expect(sockets[0]!.binaryType).toBe('arraybuffer');
    expect(sockets[0]!.sent.map((m) => m.name)).toEqual(['hello']);
    sockets[0]!.greet();
    await tick();
    expect(client.status).toEqual({ state: 'open', appVersion: '9.9.9' });
    const request = sockets[0]!.last();
    expect(request.name).toBe('getSettings');
    sockets[0]!.reply({ type: 'result', id: request.id, output: { downloadDir: '/d', listenPort: 0, maxConnectionsPerTorrent: 9, theme: 'light', ...defaultLimitSettings } });
    await expect(settings).resolves.toMatchObject({ theme: 'light' });
  });

  it('fails commands in flight when the connection drops, reconnects, and re-subscribes', async () => {
    const { client, sockets, statuses } = setup();
    sockets[0]!.open();
    sockets[0]!.greet();
    await tick();
    const hash = 'c'.repeat(40);
    const subscribed = client.invoke('subscribe', { infoHash: hash, tab: 'peers' });
    await tick();
    sockets[0]!.reply({ type: 'result', id: sockets[0]!.last().id, output: {} });
    await subscribed;
    const inFlight = client.invoke('pause', { infoHashes: [] });
    await tick();
    sockets[0]!.drop();
    await expect(inFlight).rejects.toMatchObject({ code: 'network' });
    await until(() => sockets.length === 2);
    sockets[1]!.open();
    sockets[1]!.greet();
    await tick();
    expect(sockets[1]!.last()).toMatchObject({ name: 'subscribe', input: { infoHash: hash, tab: 'peers' } });
    sockets[1]!.reply({ type: 'result', id: sockets[1]!.last().id, output: {} });
    await tick();
    expect(statuses).toEqual(['open', 'connecting', 'open']);
  });

  it('delivers events across reconnects to handlers registered once', async () => {
    const { client, sockets } = setup();
    const names: string[] = [];
    client.on('torrents', (t) => names.push(t.full ? 'full' : 'delta'));
    for (const i of [0, 1]) {
      sockets[i]!.open();
      sockets[i]!.greet();
      sockets[i]!.reply({ type: 'event', name: 'torrents', payload: { full: true, changed: [], removed: [] } });
      sockets[i]!.drop();
      await until(() => sockets.length === i + 2);
    }
    expect(names).toEqual(['full', 'full']);
  });

  it('gives up for good on a protocol mismatch and says why', async () => {
    const { client, sockets } = setup();
    const waiting = client.invoke('getSettings', {});
    sockets[0]!.open();
    const hello = sockets[0]!.last();
    sockets[0]!.reply({ type: 'error', id: hello.id, error: { code: 'protocol', message: 'this Shoal speaks protocol 2' } });
    await expect(waiting).rejects.toMatchObject({ code: 'protocol', message: 'this Shoal speaks protocol 2' });
    expect(client.status).toMatchObject({ state: 'closed', error: { code: 'protocol' } });
    await tick(50);
    expect(sockets).toHaveLength(1);
    await expect(client.invoke('getSettings', {})).rejects.toMatchObject({ code: 'protocol' });
  });

  it('backs off between failed connection attempts and stops when closed', async () => {
    const { client, sockets } = setup();
    sockets[0]!.drop();
    await until(() => sockets.length === 2);
    sockets[1]!.drop();
    // The second wait (20 ms) is twice the first.
    await tick(12);
    expect(sockets).toHaveLength(2);
    await until(() => sockets.length === 3);
    client.close();
    await tick(100);
    expect(sockets).toHaveLength(3);
    expect(client.status).toEqual({ state: 'closed', error: null });
  });
});
