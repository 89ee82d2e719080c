import { useEffect, useState } from 'react';

interface Span {
  readonly from: number;
  readonly to: number;
}

/** The media's buffered time ranges as shares of its duration, kept up to date from the element's events. */
function useBuffered(media: HTMLMediaElement | null): { spans: Span[]; at: number } {
  const [state, setState] = useState<{ spans: Span[]; at: number }>({ spans: [], at: 0 });
  useEffect(() => {
    if (!media) return;
    const update = (): void => {
      const duration = media.duration;
      if (!Number.isFinite(duration) || duration <= 0) return;
      const spans: Span[] = [];
      for (let i = 0; i < media.buffered.length; i++) spans.push({ from: media.buffered.start(i) / duration, to: media.buffered.end(i) / duration });
      setState({ spans, at: media.currentTime / duration });
    };
    const names = ['progress', 'timeupdate', 'durationchange', 'seeked'] as const;
    for (const name of names) media.addEventListener(name, update);
    update();
    return () => names.forEach((name) => media.removeEventListener(name, update));
  }, [media]);
  return state;
}

/** What of the media is buffered (the player can play it) and where playback is. */
export function BufferedBar({ media }: { media: HTMLMediaElement | null }) {
  const { spans, at } = useBuffered(media);
  const total = spans.reduce((sum, s) => sum + (s.to - s.from), 0);
  return (
    <div className="buffered-bar" role="img" aria-label={`Buffered: ${Math.round(total * 100)}% of the media`} data-ranges={spans.length}>
      {spans.map((s) => (
        <span key={s.from} className="buffered" style={{ left: `${s.from * 100}%`, width: `${(s.to - s.from) * 100}%` }} />
      ))}
      <span className="playhead" style={{ left: `${at * 100}%` }} />
    </div>
  );
}
