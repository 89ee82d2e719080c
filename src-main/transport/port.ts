/**
 * What the MessagePort transport needs from a port: satisfied by worker_threads' `MessagePort`,
 * `parentPort` and `Worker` alike.
 */
export interface PortLike {
  postMessage(value: unknown): void;
  on(event: string, listener: (value: unknown) => void): unknown;
  off(event: string, listener: (value: unknown) => void): unknown;
}
