/** What the player shows: one file's stream at a time, apart from the engine's store (nothing of it comes from the engine's events). */
import { create } from 'zustand';
import { mediaTypeOf, type MediaType } from '../../../../src-shared/media-type';

export interface NowPlaying {
  readonly infoHash: string;
  readonly fileIndex: number;
  readonly name: string;
  /** The stream's absolute address (a capability: it works in any player, without the cookie). */
  readonly url: string;
  readonly media: MediaType;
}

interface PlayerState {
  playing: NowPlaying | null;
  play(playing: NowPlaying): void;
  close(): void;
}

export const usePlayer = create<PlayerState>()((set) => ({
  playing: null,
  play: (playing) => set({ playing }),
  close: () => set({ playing: null }),
}));

/** Whether a file is audio or video we know (a Play button for it); which player takes it is the view's business. */
export function isMediaFile(name: string): boolean {
  return /^(audio|video)\//.test(mediaTypeOf(name).mimeType);
}
