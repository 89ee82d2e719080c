/** A validated .torrent (v1 part): what every other engine module works from. */
export interface Metainfo {
  /** SHA-1 of the info dictionary's original bytes. */
  readonly infoHash: Uint8Array;
  /** `infoHash` as 40 lowercase hex digits. */
  readonly infoHashHex: string;
  /** The info dictionary exactly as it appeared in the file (served to peers by BEP 9). */
  readonly infoBytes: Uint8Array;
  /** Sanitized torrent name: the single file's name, or the top folder of a multi-file torrent. */
  readonly name: string;
  readonly pieceLength: number;
  readonly pieceCount: number;
  readonly lastPieceLength: number;
  /** Total bytes, pad files included. */
  readonly length: number;
  /** Concatenated 20-byte SHA-1 piece hashes. */
  readonly pieceHashes: Uint8Array;
  /** In torrent order; `offset` is the file's first byte in the torrent's byte stream. */
  readonly files: readonly TorrentFile[];
  /** `true` when the torrent has a `files` list (its files live under a folder named `name`). */
  readonly multiFile: boolean;
  /** Announce tiers (BEP 12); `announce` alone becomes one tier of one URL. */
  readonly trackers: readonly (readonly string[])[];
  /** Web seeds (BEP 19). */
  readonly urlList: readonly string[];
  readonly private: boolean;
  readonly comment?: string;
  readonly createdBy?: string;
  readonly creationDate?: Date;
  readonly source?: string;
}

export interface TorrentFile {
  /** Sanitized path components, relative to the torrent's folder (or the single file's name). */
  readonly path: readonly string[];
  readonly length: number;
  readonly offset: number;
  /** BEP 47 padding file: counted in piece layout, never written to disk. */
  readonly pad: boolean;
}
