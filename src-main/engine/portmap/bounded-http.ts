import { request } from 'node:http';

export interface BoundedReply {
  readonly status: number;
  readonly body: string;
  /** Our own address on the connection: the LAN address the router maps to. */
  readonly localAddress: string;
}

/**
 * One HTTP exchange with a router, bounded in size and time: a body over `maxBytes` or an
 * answer slower than `timeoutMs` is an error, and nothing more is read.
 */
export function boundedRequest(url: URL, o: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; maxBytes: number; timeoutMs: number }): Promise<BoundedReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method, headers: { ...o.headers, Connection: 'close' }, timeout: o.timeoutMs });
    const timer = setTimeout(() => req.destroy(new Error(`${url.host} took longer than ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('timeout', () => req.destroy(new Error(`${url.host} took longer than ${o.timeoutMs} ms`)));
    req.on('response', (res) => {
      const localAddress = res.socket.localAddress ?? '';
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > o.maxBytes) return req.destroy(new Error(`${url.host} sent ${declared} bytes, more than ${o.maxBytes}`));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > o.maxBytes) return req.destroy(new Error(`${url.host} sent more than ${o.maxBytes} bytes`));
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), localAddress });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.end(o.body);
  });
}
