import { useRef, useState } from 'react';
import { formatPercent, formatRate } from '../../format';
import { useShoal } from '../../store/store';
import { stateLabel } from '../list/TorrentRow';
import { Dialog } from '../Dialog';
import { BufferedBar } from './BufferedBar';
import { usePlayer, type NowPlaying } from './player-store';
import './player.css';

/** The torrent's download beside the player: how far it is and how fast it comes. */
function DownloadState({ infoHash }: { infoHash: string }) {
  const t = useShoal((s) => s.torrents.get(infoHash));
  if (!t) return <p className="player-state">The torrent was removed; its stream has ended.</p>;
  return (
    <p className="player-state" aria-label="Download">
      {stateLabel[t.state]} · {formatPercent(t.progress)} · {formatRate(t.downRate)}
    </p>
  );
}

function Player({ playing }: { playing: NowPlaying }) {
  const [media, setMedia] = useState<HTMLMediaElement | null>(null);
  const started = useRef(false);
  // Playback starts as soon as it can (not when the browser thinks the rest will come in time,
  // which `autoplay` waits for): the deadlines keep the bytes ahead coming first. Once only, so a
  // pause stays a pause.
  const start = (e: React.SyntheticEvent<HTMLMediaElement>): void => {
    if (started.current) return;
    started.current = true;
    e.currentTarget.play().catch(() => undefined);
  };
  const kind = playing.media.player;
  if (kind === null) return <p>This kind of file ({playing.media.mimeType}) does not play here: open it in an external player, or copy its address into one.</p>;
  return (
    <>
      {kind === 'video' ? (
        <video ref={setMedia} className="player-media" src={playing.url} controls onCanPlay={start} aria-label={`Player: ${playing.name}`} />
      ) : (
        <audio ref={setMedia} className="player-media" src={playing.url} controls onCanPlay={start} aria-label={`Player: ${playing.name}`} />
      )}
      <BufferedBar media={media} />
    </>
  );
}

/**
 * The in-app player: the file's stream in a <video> or <audio> (what Chromium plays), what is
 * buffered, the torrent's download; for anything else, an external player or the address.
 */
export function PlayerView() {
  const playing = usePlayer((s) => s.playing);
  const close = usePlayer((s) => s.close);
  return playing && <PlayerDialog key={playing.url} playing={playing} close={close} />;
}

function PlayerDialog({ playing, close }: { playing: NowPlaying; close(): void }) {
  const [copied, setCopied] = useState(false);
  const copy = (): void => {
    void navigator.clipboard.writeText(playing.url).then(() => setCopied(true), () => setCopied(false));
  };
  return (
    <Dialog
      title={playing.name}
      wide
      onClose={close}
      actions={
        <>
          {/* The host hands stream addresses to the system's player (the app) or the browser opens it. */}
          <a className="button" href={playing.url} target="_blank" rel="noreferrer">
            Open in external player
          </a>
          <button type="button" onClick={copy}>
            {copied ? 'Copied' : 'Copy stream URL'}
          </button>
          <button type="button" onClick={close} data-autofocus>
            Close
          </button>
        </>
      }
    >
      <Player playing={playing} />
      <DownloadState infoHash={playing.infoHash} />
    </Dialog>
  );
}
