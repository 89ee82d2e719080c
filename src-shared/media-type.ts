/** What a file is as media, from its extension: its Content-Type and whether a browser's player may take it. */
export interface MediaType {
  readonly mimeType: string;
  /** Played in the app's `<video>` or `<audio>`; null: only an external player (or a download) will do. */
  readonly player: 'video' | 'audio' | null;
}

const byExtension: Readonly<Record<string, MediaType>> = {
  webm: { mimeType: 'video/webm', player: 'video' },
  mp4: { mimeType: 'video/mp4', player: 'video' },
  m4v: { mimeType: 'video/mp4', player: 'video' },
  ogv: { mimeType: 'video/ogg', player: 'video' },
  mkv: { mimeType: 'video/x-matroska', player: null },
  avi: { mimeType: 'video/x-msvideo', player: null },
  mov: { mimeType: 'video/quicktime', player: null },
  ts: { mimeType: 'video/mp2t', player: null },
  mpg: { mimeType: 'video/mpeg', player: null },
  mpeg: { mimeType: 'video/mpeg', player: null },
  wmv: { mimeType: 'video/x-ms-wmv', player: null },
  flv: { mimeType: 'video/x-flv', player: null },
  mp3: { mimeType: 'audio/mpeg', player: 'audio' },
  m4a: { mimeType: 'audio/mp4', player: 'audio' },
  aac: { mimeType: 'audio/aac', player: 'audio' },
  ogg: { mimeType: 'audio/ogg', player: 'audio' },
  oga: { mimeType: 'audio/ogg', player: 'audio' },
  opus: { mimeType: 'audio/ogg', player: 'audio' },
  flac: { mimeType: 'audio/flac', player: 'audio' },
  wav: { mimeType: 'audio/wav', player: 'audio' },
  weba: { mimeType: 'audio/webm', player: 'audio' },
};

const unknown: MediaType = { mimeType: 'application/octet-stream', player: null };

/** The media type of a file name (its last extension, any case); unknown kinds are plain bytes. */
export function mediaTypeOf(fileName: string): MediaType {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return unknown;
  return byExtension[fileName.slice(dot + 1).toLowerCase()] ?? unknown;
}

