import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  answerRequest,
  decodeFrame,
  encodeFrame,
  limits,
  requestMessageSchema,
  toWireError,
  type EngineApi,
  type ServerMessage,
  type ShoalEvent,
} from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
// Shared with the Electron shell, which greets each new window the same way.
import { TorrentListReplay } from '../host/torrent-list-replay';

export interface WsRelayOptions {
  /** Largest frame accepted from a client; larger ones close the connection (1009). */
  maxPayload?: number;
  /** A client this far behind on reading is dropped; it reconnects and gets a fresh snapshot. */
  maxBufferedBytes?: number;
  /** Commands one client may have waiting on the engine; more are refused, not queued. */
  maxInFlight?: number;
}

export interface WsRelay {
  /** Takes over an HTTP upgrade the caller has already authorized. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly clientCount: number;
  /** Sends an event of the relay's own (e.g. an engine restart notice) exactly as if the engine had. */
  publish(event: ShoalEvent): void;
  close(): void;
}

/** Close codes a client can act on. */
export const closeCodes = { protocolMismatch: 4001, helloRequired: 4002, unreadable: 4003, tooSlow: 4004 } as const;

type Phase = 'new' | 'greeting' | 'ready';

/** A `hello` is a few dozen bytes; before one is answered nothing larger is even decoded. */
const MAX_HELLO_BYTES = 1024;

interface Client {
  socket: WebSocket;
  phase: Phase;
  /** The torrent whose `detail` events this client asked for. */
  subscribed: string | null;
  inFlight: number;
}

/**
 * Relays browser clients (msgpack binary frames) to one engine: the first message must be a
 * `hello` with our protocol version; every request is validated by the contract's dispatcher;
 * events fan out to every greeted client, `detail` only to the client subscribed to it.
 */
export function createWsRelay(engine: EngineApi, options: WsRelayOptions = {}): WsRelay {
  const maxBuffered = options.maxBufferedBytes ?? 32 * 1024 * 1024;
  const maxInFlight = options.maxInFlight ?? 64;
  const server = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? limits.messageBytes });
  const clients = new Set<Client>();
  const torrents = new TorrentListReplay();

  const sendFrame = (client: Client, frame: Uint8Array): void => {
    if (client.socket.readyState !== client.socket.OPEN) return;
    if (client.socket.bufferedAmount > maxBuffered) {
      client.socket.close(closeCodes.tooSlow, 'too far behind');
      return;
    }
    client.socket.send(frame);
  };
  const send = (client: Client, message: ServerMessage): void => sendFrame(client, encodeFrame(message));

  const publish = (event: ShoalEvent): void => {
    if (event.name === 'torrents') torrents.apply(event.payload);
    // Encoded once for every client: the list can be large and the rate is steady.
    const frame = encodeFrame({ type: 'event', name: event.name, payload: event.payload });
    for (const client of clients) {
      if (client.phase !== 'ready') continue;
      if (event.name === 'detail' && client.subscribed !== event.payload.infoHash) continue;
      sendFrame(client, frame);
    }
  };
  const stopEvents = engine.onEvent(publish);

  const refuse = (client: Client, id: number | null, error: ShoalError, code: number): void => {
    send(client, { type: 'error', id, error: toWireError(error) });
    client.socket.close(code, error.message.slice(0, 120));
  };

  const greet = async (client: Client, raw: unknown): Promise<void> => {
    const request = requestMessageSchema.safeParse(raw);
    if (!request.success || request.data.name !== 'hello') {
      const id = request.success ? request.data.id : null;
      refuse(client, id, new ShoalError('protocol', 'the first message must be hello'), closeCodes.helloRequired);
      return;
    }
    client.phase = 'greeting';
    const reply = await answerRequest(engine, raw);
    if (reply.type === 'error') {
      send(client, reply);
      client.socket.close(closeCodes.protocolMismatch, 'protocol version mismatch');
      return;
    }
    send(client, reply);
    client.phase = 'ready';
    send(client, { type: 'event', name: 'torrents', payload: torrents.snapshot() });
  };

  const serveRequest = async (client: Client, raw: unknown): Promise<void> => {
    if (client.inFlight >= maxInFlight) {
      const request = requestMessageSchema.safeParse(raw);
      const error = new ShoalError('invalid-input', `too many commands at once (more than ${maxInFlight}); wait for replies`);
      send(client, { type: 'error', id: request.success ? request.data.id : null, error: toWireError(error) });
      return;
    }
    client.inFlight++;
    const reply = await answerRequest(engine, raw).finally(() => client.inFlight--);
    if (reply.type === 'result') {
      const request = requestMessageSchema.parse(raw);
      if (request.name === 'subscribe') client.subscribed = (request.input as { infoHash: string | null }).infoHash;
    }
    send(client, reply);
  };

  const onMessage = (client: Client, data: RawData, isBinary: boolean): void => {
    if (client.phase === 'greeting') {
      refuse(client, null, new ShoalError('protocol', 'wait for the hello reply'), closeCodes.helloRequired);
      return;
    }
    if (client.phase === 'new' && isBinary && byteLength(data) > MAX_HELLO_BYTES) {
      refuse(client, null, new ShoalError('protocol', 'the first message must be hello'), closeCodes.helloRequired);
      return;
    }
    let raw: unknown;
    try {
      if (!isBinary) throw new ShoalError('protocol', 'only binary msgpack frames are accepted');
      raw = decodeFrame(toBytes(data));
    } catch (err) {
      refuse(client, null, err instanceof ShoalError ? err : new ShoalError('protocol', 'unreadable message'), closeCodes.unreadable);
      return;
    }
    if (client.phase === 'new') void greet(client, raw);
    else void serveRequest(client, raw);
  };

  server.on('connection', (socket: WebSocket) => {
    const client: Client = { socket, phase: 'new', subscribed: null, inFlight: 0 };
    clients.add(client);
    socket.on('message', (data, isBinary) => onMessage(client, data, isBinary));
    socket.on('close', () => clients.delete(client));
    // A broken socket closes itself; the error needs a listener only so it does not crash the process.
    socket.on('error', () => socket.terminate());
  });

  return {
    handleUpgrade(request, socket, head) {
      server.handleUpgrade(request, socket, head, (ws) => server.emit('connection', ws, request));
    },
    get clientCount() {
      return clients.size;
    },
    publish,
    close() {
      stopEvents();
      for (const client of clients) client.socket.terminate();
      clients.clear();
      server.close();
    },
  };
}

function byteLength(data: RawData): number {
  return Array.isArray(data) ? data.reduce((sum, part) => sum + part.byteLength, 0) : data.byteLength;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
