/**
 * The UI bench page: the real App and store fed by the generated engine (1,000 torrents updating
 * every second, the focused torrent's 100,000-piece map). `window.shoalBench.measure(ms)` records
 * frame intervals and long tasks while the list scrolls; run-bench.mjs drives it in Chromium.
 */
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import type { DetailTab } from '../src/api/contract';
import { App } from '../src/App';
import { moveCursor } from '../src/store/selection';
import { createShoalStore } from '../src/store/store';
import { createDemoFeed } from './demo-feed';

export interface BenchSample {
  frameDeltas: number[];
  longTasks: number[];
  rowsRendered: number;
  pieceCount: number;
}

declare global {
  interface Window {
    shoalBench?: { measure(ms: number, scroll: boolean): Promise<BenchSample> };
  }
}

const params = new URLSearchParams(location.search);
const tabs: readonly DetailTab[] = ['general', 'pieces', 'peers', 'files', 'trackers'];
const tab = tabs.find((t) => t === params.get('tab')) ?? 'pieces';
const feed = createDemoFeed(Number(params.get('count') ?? 1000));
const store = createShoalStore();

function Bench() {
  useEffect(() => {
    // Children's effects (the App binding the feed to the store) have run by now.
    feed.start();
    const s = store.getState();
    // Sorted by download rate, so rows reorder on every update: the list's worst case.
    s.setSort({ key: 'downRate', direction: 'descending' });
    s.setSelection(moveCursor(s.selection, store.getState().visible, 2, false));
    s.setTab(tab);
    return () => feed.stop();
  }, []);
  return <App api={feed.api} store={store} />;
}

function measure(ms: number, scroll: boolean): Promise<BenchSample> {
  const list = document.querySelector<HTMLElement>('[role="grid"]');
  const frameDeltas: number[] = [];
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((entries) => {
    for (const e of entries.getEntries()) longTasks.push(e.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  return new Promise((resolve) => {
    const start = performance.now();
    let last = start;
    // Scroll position kept here, so the harness never forces a layout by reading it back.
    const maxScroll = list ? list.scrollHeight - list.clientHeight : 0;
    let pos = list?.scrollTop ?? 0;
    let direction = 1;
    const frame = (t: number) => {
      frameDeltas.push(t - last);
      last = t;
      if (scroll && list) {
        // Half a row per frame, bouncing between the ends.
        if (pos >= maxScroll) direction = -1;
        else if (pos <= 0) direction = 1;
        pos = Math.min(maxScroll, Math.max(0, pos + 15 * direction));
        list.scrollTop = pos;
      }
      if (t - start < ms) requestAnimationFrame(frame);
      else {
        observer.disconnect();
        resolve({
          frameDeltas: frameDeltas.slice(1),
          longTasks,
          rowsRendered: document.querySelectorAll('[role="row"][aria-selected]').length,
          pieceCount: Number(document.querySelector('[data-piece-count]')?.getAttribute('data-piece-count') ?? 0),
        });
      }
    };
    requestAnimationFrame((t) => {
      last = t;
      requestAnimationFrame(frame);
    });
  });
}

window.shoalBench = { measure };
const container = document.getElementById('root');
if (!container) throw new Error('bench page has no #root');
createRoot(container).render(<Bench />);
