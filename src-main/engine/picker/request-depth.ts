/** The block size the depth is counted in. */
const BLOCK = 16 * 1024;

export interface RequestDepthOptions {
  /** Seconds of the peer's rate to keep queued: covers round trip and the peer's disk latency. */
  readonly queueSeconds?: number;
  readonly snubbed?: boolean;
  /** The peer's BEP 10 `reqq`, when it sent one. */
  readonly reqq?: number;
  readonly max?: number;
}

/**
 * Outstanding requests to keep with a peer so the queue covers the bandwidth-delay product
 * (libtorrent's rule: about 3 s of the measured rate, in 16 KiB blocks), at least 4 (2 when
 * snubbed) and at most 500 or the peer's own queue size.
 */
export function requestDepth(bytesPerSecond: number, options: RequestDepthOptions = {}): number {
  const min = options.snubbed ? 2 : 4;
  let max = options.max ?? 500;
  if (options.reqq !== undefined && options.reqq > 0) max = Math.min(max, options.reqq);
  const want = Math.ceil((Math.max(0, bytesPerSecond) * (options.queueSeconds ?? 3)) / BLOCK);
  return Math.max(Math.min(min, max), Math.min(want, max));
}
