import { useEffect, useRef, useState } from 'react';
import { useShoal, useShoalStore } from '../../store/store';

const minHeight = 120;

/** The detail panel's top edge: drag it (or press ↑/↓ on it) to give the panel more or less room; the height is saved. */
export function DetailSplitter() {
  const store = useShoalStore();
  const height = useShoal((s) => s.detailHeight);
  const ref = useRef<HTMLDivElement>(null);
  // A focusable separator states its position: the panel's height as drawn.
  const [drawn, setDrawn] = useState(0);
  useEffect(() => {
    const panel = ref.current?.parentElement;
    if (!panel || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setDrawn(Math.round(panel.getBoundingClientRect().height)));
    observer.observe(panel);
    return () => observer.disconnect();
  }, []);

  const clamp = (px: number, panel: HTMLElement) => {
    const main = panel.parentElement!.getBoundingClientRect();
    return Math.round(Math.min(Math.max(minHeight, px), main.height - minHeight));
  };

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const handle = e.currentTarget;
    const panel = handle.parentElement!;
    handle.setPointerCapture(e.pointerId);
    const bottom = panel.getBoundingClientRect().bottom;
    const move = (ev: PointerEvent) => store.getState().setDetailHeight(clamp(bottom - ev.clientY, panel));
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const step = e.key === 'ArrowUp' ? 24 : e.key === 'ArrowDown' ? -24 : 0;
    if (step === 0) return;
    e.preventDefault();
    const panel = e.currentTarget.parentElement!;
    store.getState().setDetailHeight(clamp(panel.getBoundingClientRect().height + step, panel));
  };

  return (
    <div
      ref={ref}
      className="detail-splitter"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the details panel"
      aria-valuenow={height ?? drawn}
      aria-valuemin={minHeight}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}
