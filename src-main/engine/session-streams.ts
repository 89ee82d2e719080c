import { randomBytes } from 'node:crypto';
import type { CommandOutput } from '../../src-shared/contract';
import { mediaTypeOf } from '../../src-shared/media-type';
import { ShoalError } from '../../src-shared/errors';
import type { StreamFile, StreamSource, StreamTarget } from './stream/stream-source';
import type { Torrent } from './torrent';

export interface SessionStreamsOptions {
  torrent(infoHash: string): Torrent | undefined;
  /** Playback of a skipped file starts: it is wanted again. */
  unskip(torrent: Torrent, fileIndex: number): void;
  /** Longest a read waits for its first byte to be verified. Default 60 s. */
  readonly waitMs?: number;
}

interface Handle {
  readonly torrent: Torrent;
  /** Torrent offset of the file's first byte. */
  readonly start: number;
  readonly length: number;
}

/** Bytes one read returns at most: what is held per stream in flight. */
export const MAX_STREAM_READ = 256 * 1024;
/** Streams open at once; a player opens a few per file, so this only stops a runaway client. */
const MAX_HANDLES = 64;
/** How often a waiting read looks for its piece (a bit test): short, so the first byte goes out soon. */
const POLL_MS = 20;

/**
 * The session's streams: each file's capability (an unguessable key, void once the torrent is
 * removed), the files open for reading, and reads that wait for verified bytes while the file's
 * window of deadlines draws them in first.
 */
export class SessionStreams implements StreamSource {
  readonly #o: SessionStreamsOptions;
  /** Capability → the file it opens. */
  readonly #capabilities = new Map<string, { readonly infoHash: string; readonly fileIndex: number }>();
  /** infoHash → (file index → capability). */
  readonly #byTorrent = new Map<string, Map<number, string>>();
  readonly #handles = new Map<number, Handle>();
  #nextHandle = 1;

  constructor(options: SessionStreamsOptions) {
    this.#o = options;
  }

  /** A file's stream as the `streamFile` command answers: its capability path, name, length and type. */
  async address(infoHash: string, fileIndex: number): Promise<CommandOutput<'streamFile'>> {
    const capability = this.capability(infoHash, fileIndex);
    // Opening checks the file and wants it again if it was skipped.
    const file = await this.open({ capability });
    this.close(file.handle);
    return { url: `/stream/cap/${capability}/${encodeURIComponent(file.name)}`, name: file.name, length: file.length, mimeType: file.mimeType };
  }

  /** The capability of a file (the same one for the torrent's life in this session); checks the file exists. */
  capability(infoHash: string, fileIndex: number): string {
    this.#file(this.#torrent(infoHash), fileIndex);
    let files = this.#byTorrent.get(infoHash);
    if (!files) this.#byTorrent.set(infoHash, (files = new Map()));
    let key = files.get(fileIndex);
    if (key === undefined) {
      key = randomBytes(32).toString('base64url');
      files.set(fileIndex, key);
      this.#capabilities.set(key, { infoHash, fileIndex });
    }
    return key;
  }

  async open(target: StreamTarget): Promise<StreamFile> {
    const named = 'capability' in target ? this.#capabilities.get(target.capability) : target;
    if (!named) throw new ShoalError('not-found', 'this stream address is not valid (its torrent may have been removed)');
    const torrent = this.#torrent(named.infoHash);
    const file = this.#file(torrent, named.fileIndex);
    if (this.#handles.size >= MAX_HANDLES) throw new ShoalError('network', 'too many streams are open; close some first');
    if (torrent.skipFiles.includes(named.fileIndex)) this.#o.unskip(torrent, named.fileIndex);
    const handle = this.#nextHandle++;
    this.#handles.set(handle, { torrent, start: file.offset, length: file.length });
    const name = file.path.at(-1) ?? torrent.name;
    return { handle, name, length: file.length, mimeType: mediaTypeOf(name).mimeType };
  }

  async read(handle: number, offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const h = this.#handle(handle);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 1 || offset >= h.length) {
      throw new ShoalError('invalid-input', `a read of ${length} bytes at ${offset} is outside the file (${h.length} bytes)`);
    }
    const at = h.start + offset;
    const end = at + Math.min(length, MAX_STREAM_READ, h.length - offset);
    h.torrent.streamWindow.setPosition(handle, at, h.start + h.length);
    const { pieceLength } = h.torrent.metainfo;
    await this.#verified(handle, h, Math.floor(at / pieceLength), signal);
    // As far as the verified run goes.
    const have = h.torrent.storage.have;
    let piece = Math.floor(at / pieceLength);
    while (piece * pieceLength < end && have.has(piece)) piece++;
    const bytes = new Uint8Array(Math.min(end, piece * pieceLength) - at);
    await h.torrent.storage.readVerified(at, bytes);
    return bytes;
  }

  close(handle: number): void {
    const h = this.#handles.get(handle);
    if (!h) return;
    this.#handles.delete(handle);
    if (h.torrent.hasMetainfo) h.torrent.streamWindow.remove(handle);
  }

  /** The torrent was removed: its capabilities are void and its open streams end. */
  forget(infoHash: string): void {
    for (const key of this.#byTorrent.get(infoHash)?.values() ?? []) this.#capabilities.delete(key);
    this.#byTorrent.delete(infoHash);
    for (const [handle, h] of this.#handles) if (h.torrent.infoHash === infoHash) this.close(handle);
  }

  /** Waits (bounded) until the piece is verified, while the stream stays open and its torrent in the session. */
  async #verified(handle: number, h: Handle, piece: number, signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + (this.#o.waitMs ?? 60_000);
    while (!h.torrent.storage.have.has(piece)) {
      if (signal?.aborted) throw new ShoalError('network', 'the read was cancelled');
      if (Date.now() >= deadline) throw new ShoalError('network', `the bytes asked for did not arrive within ${Math.round((this.#o.waitMs ?? 60_000) / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      this.#handle(handle);
    }
  }

  #handle(handle: number): Handle {
    const h = this.#handles.get(handle);
    if (!h || this.#o.torrent(h.torrent.infoHash) !== h.torrent) throw new ShoalError('not-found', 'the stream was closed (its torrent may have been removed)');
    return h;
  }

  #torrent(infoHash: string): Torrent {
    const torrent = this.#o.torrent(infoHash);
    if (!torrent) throw new ShoalError('not-found', `no torrent with info-hash ${infoHash}`);
    if (!torrent.hasMetainfo) throw new ShoalError('network', `"${torrent.name}" is still fetching its metadata; try again once it has arrived`);
    return torrent;
  }

  #file(torrent: Torrent, fileIndex: number): { offset: number; length: number; path: readonly string[] } {
    const file = torrent.metainfo.files[fileIndex];
    if (!file || file.pad) throw new ShoalError('not-found', `"${torrent.name}" has no file ${fileIndex}`);
    return file;
  }
}
