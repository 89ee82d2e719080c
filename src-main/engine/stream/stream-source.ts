/** Which file a stream reads: named by the UI (behind the secret), or by its capability (an unguessable key). */
export type StreamTarget = { readonly infoHash: string; readonly fileIndex: number } | { readonly capability: string };

/** A file opened for streaming. */
export interface StreamFile {
  readonly handle: number;
  /** The file's own name (its last path component). */
  readonly name: string;
  readonly length: number;
  readonly mimeType: string;
}

/**
 * Files of torrents read as they download: what an HTTP stream needs of the engine, in the engine
 * itself or across the worker's stream port. Failures are ShoalErrors: 'not-found' (no such
 * torrent, file or capability; removed meanwhile), 'invalid-input' (a read beyond the end),
 * 'network' (the bytes did not arrive in time, or the metadata is still awaited).
 */
export interface StreamSource {
  open(target: StreamTarget): Promise<StreamFile>;
  /**
   * Up to `length` bytes of the file at `offset`, as soon as the piece holding `offset` is
   * verified (waiting for it, bounded); fewer when the verified run ends sooner. Reading moves
   * the file's playback position, and with it the pieces that get deadlines.
   */
  read(handle: number, offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** The stream is over: its window of deadlines goes. */
  close(handle: number): void;
}
