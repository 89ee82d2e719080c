import { mediaTypeOf } from '../../../../src-shared/media-type';
import { useCommand } from '../../store/use-command';
import { isMediaFile, usePlayer } from './player-store';

interface PlayButtonProps {
  infoHash: string;
  fileIndex: number;
  name: string;
}

/**
 * Plays a torrent's file while it downloads: the engine gives its stream's address (and wants the
 * file again if it was skipped), the player view opens on it. Only for audio and video files; for
 * any other it is nothing, without the hooks and store subscription (every list row has one, and
 * rows mount on each step of a scroll).
 */
export function PlayButton(props: PlayButtonProps) {
  return isMediaFile(props.name) ? <MediaPlayButton {...props} /> : null;
}

function MediaPlayButton({ infoHash, fileIndex, name }: PlayButtonProps) {
  const run = useCommand();
  const play = usePlayer((s) => s.play);
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
