/** Which generations of BitTorrent a torrent describes itself for (BEP 3, BEP 52, or both). */
export type MetaVersion = 'v1' | 'v2' | 'hybrid';

/** A validated .torrent: what every other engine module works from. */
export interface Metainfo {
  readonly version: MetaVersion;
  /**
   * The 20-byte identity on the wire, at trackers and in the DHT: the SHA-1 of the info
   * dictionary's original bytes for v1 and hybrid torrents, the SHA-256 cut to 20 bytes for
   * v2-only ones (BEP 52). Also the torrent's key everywhere in the engine.
   */
  readonly infoHash: Uint8Array;
  /** `infoHash` as 40 lowercase hex digits. */
  readonly infoHashHex: string;
  /** SHA-256 of the info dictionary's original bytes (v2 and hybrid torrents). */
  readonly infoHashV2?: Uint8Array;
  /** The info dictionary exactly as it appeared in the file (served to peers by BEP 9). */
  readonly infoBytes: Uint8Array;
  /** Sanitized torrent name: the single file's name, or the top folder of a multi-file torrent. */
  readonly name: string;
  readonly pieceLength: number;
  readonly pieceCount: number;
  readonly lastPieceLength: number;
  /**
   * Total bytes, pad files included. In v2 and hybrid torrents every non-empty file starts a
   * piece: pad files (the v1 part's, or made up for v2-only torrents as libtorrent does) fill the gaps.
   */
  readonly length: number;
  /** Concatenated 20-byte SHA-1 piece hashes; empty for v2-only torrents (their files carry Merkle trees). */
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
  /** v2 and hybrid: the root of the file's Merkle tree (BEP 52 `pieces root`); absent for empty and pad files. */
  readonly piecesRoot?: Uint8Array;
  /**
   * v2 and hybrid files longer than one piece: the piece layer of the tree (32 bytes per piece,
   * checked against `piecesRoot`). Absent until known when the metadata came from a magnet.
   */
  readonly pieceLayer?: Uint8Array;
}
