import { useEffect, useRef, useState } from 'react';

export interface RowWindow {
  /** First row to render (inclusive) and last (exclusive). */
  first: number;
  last: number;
  /** Space standing in for the rows above and below the rendered ones. */
  padTop: number;
  padBottom: number;
}

/**
 * Windowing for the detail tables, whose rows all have one height: only the rows in view (plus a
 * margin) are in the DOM. Attach the returned ref to the scrolling element, so a torrent with 100,000 files or 10,000 peers stays cheap to show.
 */
export function useFixedRows(count: number, rowHeight: number, overscan = 12): [React.RefObject<HTMLDivElement | null>, RowWindow] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [view, setView] = useState({ top: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
    update();
    el.addEventListener('scroll', update, { passive: true });
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(update);
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      ro?.disconnect();
    };
  }, []);
  const first = Math.min(count, Math.max(0, Math.floor(view.top / rowHeight) - overscan));
  const last = Math.min(count, Math.ceil((view.top + view.height) / rowHeight) + overscan);
  const end = Math.max(first, last);
  return [ref, { first, last: end, padTop: first * rowHeight, padBottom: (count - end) * rowHeight }];
}
