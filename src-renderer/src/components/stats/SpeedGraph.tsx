import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import type { SpeedHistory, SpeedSpan } from '../../api/contract';
import { formatRate } from '../../format';
import { figures, scaleTop, stretches, type WayFigures } from './speed-summary';

/** Each span's samples, and how many make a row of its table (a minute; five minutes). */
const spans: readonly { id: SpeedSpan; label: string; samples: number; perRow: number }[] = [
  { id: '5m', label: '5 minutes', samples: 300, perRow: 60 },
  { id: '30m', label: '30 minutes', samples: 180, perRow: 30 },
];

const width = 600;
const height = 160;

/** The engine's history for the span, asked again as often as it gains a sample; null until the first answer. */
function useSpeedHistory(infoHash: string | null, span: SpeedSpan): SpeedHistory | null {
  const api = useApi();
  const key = `${infoHash ?? 'all'}/${span}`;
  const [got, setGot] = useState<{ key: string; history: SpeedHistory } | null>(null);
  useEffect(() => {
    let live = true;
    const load = () => {
      api.invoke('getSpeedHistory', { infoHash, span }).then(
        (history) => live && setGot({ key, history }),
        // A torrent just removed, or the engine away: the graph keeps its last picture.
        () => undefined,
      );
    };
    load();
    const timer = setInterval(load, span === '5m' ? 1000 : 10_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, infoHash, span, key]);
  return got?.key === key ? got.history : null;
}

const rate = (v: number) => formatRate(v) || '0 B/s';
const sentence = (way: string, f: WayFigures) => `${way} now ${rate(f.now)}, average ${rate(f.average)}, peak ${rate(f.peak)}`;

/** The samples as a line from the right edge (now) leftwards, one step per sample of the full span. */
function points(samples: readonly number[], capacity: number, top: number): string {
  const dx = width / (capacity - 1);
  const first = capacity - samples.length;
  return samples.map((v, i) => `${((first + i) * dx).toFixed(1)},${(height - (Math.min(v, top) / top) * height).toFixed(1)}`).join(' ');
}

function ago(seconds: number): string {
  return seconds === 0 ? 'now' : seconds % 60 === 0 ? `${seconds / 60} min ago` : `${seconds} s ago`;
}

/**
 * Download and upload rates over the last 5 or 30 minutes, of the whole session (infoHash null) or
 * one torrent: an SVG line graph, a sentence of figures for everyone, and a table of averages a
 * screen reader reads in place of the picture.
 */
export function SpeedGraph({ infoHash, title }: { infoHash: string | null; title: string }) {
  const [span, setSpan] = useState<SpeedSpan>('5m');
  const history = useSpeedHistory(infoHash, span);
  const spec = spans.find((s) => s.id === span)!;
  const down = figures(history?.down ?? []);
  const up = figures(history?.up ?? []);
  const top = scaleTop(Math.max(down.peak, up.peak));
  const summary = history === null ? 'Loading…' : `${sentence('Download', down)}. ${sentence('Upload', up)}.`;
  return (
    <figure className="speed-graph" aria-label={title}>
      <div className="speed-graph-head">
        <div role="group" aria-label="Time span" className="segmented">
          {spans.map((s) => (
            <button key={s.id} type="button" aria-pressed={span === s.id} onClick={() => setSpan(s.id)}>
              Last {s.label}
            </button>
          ))}
        </div>
        <span className="legend">
          <span className="key down" aria-hidden="true" /> Download <span className="key up" aria-hidden="true" /> Upload
        </span>
      </div>
      <div className="speed-graph-plot">
        <span className="scale muted" aria-hidden="true">
          {rate(top)}
        </span>
        <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
          {[0.25, 0.5, 0.75].map((f) => (
            <line key={f} className="grid" x1="0" x2={width} y1={height * f} y2={height * f} />
          ))}
          {history && history.down.length > 0 && (
            <>
              <polyline className="line down" points={points(history.down, spec.samples, top)} />
              <polyline className="line up" points={points(history.up, spec.samples, top)} />
            </>
          )}
        </svg>
      </div>
      <figcaption className="muted">{summary}</figcaption>
      {history && (
        <table className="sr-only">
          <caption>
            {title}, average rates over the last {spec.label}
          </caption>
          <thead>
            <tr>
              <th scope="col">Until</th>
              <th scope="col">Download</th>
              <th scope="col">Upload</th>
            </tr>
          </thead>
          <tbody>
            {stretches(history, spec.perRow).map((r) => (
              <tr key={r.endsAgo}>
                <th scope="row">{ago(r.endsAgo)}</th>
                <td>{rate(r.down)}</td>
                <td>{rate(r.up)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
