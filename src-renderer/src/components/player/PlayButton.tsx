import { mediaTypeOf } from '../../../../src-shared/media-type';
import { useCommand } from '../../store/use-command';
import { isMediaFile, usePlayer } from './player-store';

/**
 * Plays a torrent's file while it downloads: the engine gives its stream's address (and wants the
 * file again if it was skipped), the player view opens on it. Only for audio and video files.
 */
export function PlayButton({ infoHash, fileIndex, name }: { infoHash: string; fileIndex: number; name: string }) {
  const run = useCommand();
  const play = usePlayer((s) => s.play);
  if (!isMediaFile(name)) return null;
  const start = async (): Promise<void> => {
    const stream = await run('streamFile', { infoHash, fileIndex });
    if (!stream) return;
    // The engine answers with a path on the host's stream server; the app's host makes it absolute itself.
    const url = new URL(stream.url, window.location.href).href;
    play({ infoHash, fileIndex, name: stream.name, url, media: mediaTypeOf(stream.name) });
  };
  return (
    <button type="button" className="play" aria-label={`Play ${name}`} title="Play while it downloads" onMouseDown={(e) => e.stopPropagation()} onClick={() => void start()}>
      ▶
    </button>
  );
}
