// Test support: a tiny Node HTTP server on an ephemeral 127.0.0.1 port, for web seeds that
// misbehave on purpose.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly origin: string;
  /** Closes every connection and the server. */
  stop(): Promise<void>;
}

export async function startHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestHttpServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Writes the body forever, as fast as the client reads, until the client hangs up; `closed` is told then. */
export function writeForever(res: ServerResponse, closed: () => void = () => undefined): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  let open = true;
  res.once('close', () => {
    open = false;
    closed();
  });
  const pump = (): void => {
    while (open && res.write(chunk));
    if (open) res.once('drain', pump);
  };
  pump();
}
