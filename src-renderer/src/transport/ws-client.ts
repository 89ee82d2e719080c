import { reasonOf, ShoalError } from '../../../src-shared/errors';
import {
  decodeFrame,
  encodeFrame,
  PROTOCOL_VERSION,
  RpcClient,
  type CommandInput,
  type CommandName,
  type CommandOutput,
  type ShoalApi,
} from '../../../src-shared/contract';

/** The part of the browser's WebSocket this client uses (so tests can hand in another implementation). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'open'; appVersion: string }
  /** Given up for good: the server speaks another protocol version, or close() was called. */
  | { state: 'closed'; error: ShoalError | null };

export interface WebSocketClientOptions {
  /** Defaults to the browser's WebSocket. */
  createSocket?: (url: string) => WebSocketLike;
  /** First reconnect delay; doubles up to 10 s. */
  reconnectDelayMs?: number;
  onInvalid?: (sentence: string) => void;
}

export interface ShoalWebSocketClient extends ShoalApi {
  readonly status: ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  close(): void;
}

const OPEN = 1;
const maxReconnectDelayMs = 10_000;

/**
 * ShoalApi over `shoal serve`'s WebSocket (msgpack binary frames). Greets with `hello` on every
 * (re)connect, reconnects with backoff, and re-sends the last `subscribe` after a reconnect so the
 * open tab keeps streaming. Commands issued while disconnected wait for the connection; commands
 * in flight when it drops fail with a 'network' error.
 */
export function connectWebSocket(url: string, options: WebSocketClientOptions = {}): ShoalWebSocketClient {
  const createSocket = options.createSocket ?? ((u: string) => new WebSocket(u) as unknown as WebSocketLike);
  const firstDelay = options.reconnectDelayMs ?? 500;
  const onInvalid = options.onInvalid ?? ((sentence: string) => console.warn(`shoal: ${sentence}`));

  let socket: WebSocketLike | null = null;
  let status: ConnectionStatus = { state: 'connecting' };
  let delay = firstDelay;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let lastSubscribe: CommandInput<'subscribe'> | null = null;
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  let waiters: { resolve: () => void; reject: (err: ShoalError) => void }[] = [];

  const rpc = new RpcClient((message) => {
    if (!socket || socket.readyState !== OPEN) throw new ShoalError('network', 'not connected to Shoal');
    socket.send(encodeFrame(message));
  }, onInvalid);

  const setStatus = (next: ConnectionStatus): void => {
    status = next;
    for (const listener of [...statusListeners]) listener(next);
    if (next.state === 'open') waiters.forEach((w) => w.resolve());
    if (next.state === 'closed') waiters.forEach((w) => w.reject(next.error ?? new ShoalError('network', 'the connection to Shoal was closed')));
    if (next.state !== 'connecting') waiters = [];
  };

  const whenOpen = (): Promise<void> => {
    if (status.state === 'open') return Promise.resolve();
    if (status.state === 'closed') return Promise.reject(status.error ?? new ShoalError('network', 'the connection to Shoal was closed'));
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  };

  const greet = async (): Promise<void> => {
    try {
      const hello = await rpc.invoke('hello', { protocolVersion: PROTOCOL_VERSION });
      delay = firstDelay;
      if (lastSubscribe) await rpc.invoke('subscribe', lastSubscribe);
      setStatus({ state: 'open', appVersion: hello.appVersion });
    } catch (err) {
      if (err instanceof ShoalError && err.code === 'protocol') {
        // Retrying cannot help: this page and the server were built from different versions.
        setStatus({ state: 'closed', error: err });
        socket?.close();
      }
      // Otherwise the socket dropped mid-greeting; onclose schedules the retry.
    }
  };

  const open = (): void => {
    retryTimer = null;
    const ws = createSocket(url);
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => void greet();
    ws.onmessage = (event) => {
      if (!(event.data instanceof ArrayBuffer)) {
        onInvalid('ignored a text frame');
        return;
      }
      let message: unknown;
      try {
        message = decodeFrame(new Uint8Array(event.data));
      } catch (err) {
        onInvalid(reasonOf(err));
        return;
      }
      rpc.receive(message);
    };
    ws.onerror = () => {}; // onclose follows and carries what there is to know.
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      rpc.failAll(new ShoalError('network', 'the connection to Shoal was lost'));
      if (status.state === 'closed') return;
      if (status.state === 'open') setStatus({ state: 'connecting' });
      retryTimer = setTimeout(open, delay);
      delay = Math.min(delay * 2, maxReconnectDelayMs);
    };
  };

  open();

  return {
    get status() {
      return status;
    },
    async invoke<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
      if (name === 'subscribe') lastSubscribe = input as CommandInput<'subscribe'>;
      await whenOpen();
      return rpc.invoke(name, input);
    },
    on: (name, handler) => rpc.on(name, handler),
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      if (retryTimer) clearTimeout(retryTimer);
      setStatus({ state: 'closed', error: null });
      const ws = socket;
      socket = null;
      rpc.failAll(new ShoalError('network', 'the connection to Shoal was closed'));
      ws?.close();
    },
  };
}
