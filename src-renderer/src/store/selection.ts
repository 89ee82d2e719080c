/** Multi-selection over an ordered list of ids, the way file managers behave. */

export interface Selection {
  readonly selected: ReadonlySet<string>;
  /** Where a Shift+click or Shift+arrow range starts. */
  readonly anchor: string | null;
  /** The focused row (keyboard cursor); also the torrent the detail panel shows. */
  readonly cursor: string | null;
}

export const emptySelection: Selection = { selected: new Set(), anchor: null, cursor: null };

export interface ClickModifiers {
  /** Ctrl (or Cmd on macOS): toggle one row. */
  toggle: boolean;
  /** Shift: select the range from the anchor. */
  range: boolean;
}

function rangeBetween(ids: readonly string[], from: string | null, to: string): Set<string> {
  const end = ids.indexOf(to);
  const start = from === null ? -1 : ids.indexOf(from);
  if (start < 0 || end < 0) return new Set([to]);
  const [lo, hi] = start <= end ? [start, end] : [end, start];
  return new Set(ids.slice(lo, hi + 1));
}

export function clickSelect(sel: Selection, ids: readonly string[], id: string, mods: ClickModifiers): Selection {
  if (mods.range) {
    const range = rangeBetween(ids, sel.anchor, id);
    if (mods.toggle) for (const s of sel.selected) range.add(s);
    return { selected: range, anchor: sel.anchor ?? id, cursor: id };
  }
  if (mods.toggle) {
    const next = new Set(sel.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { selected: next, anchor: id, cursor: id };
  }
  return { selected: new Set([id]), anchor: id, cursor: id };
}

/** Moves the cursor to `index` (clamped); with `extend` the selection grows from the anchor. */
export function moveCursor(sel: Selection, ids: readonly string[], index: number, extend: boolean): Selection {
  if (ids.length === 0) return sel;
  const id = ids[Math.min(ids.length - 1, Math.max(0, index))]!;
  if (extend) return { selected: rangeBetween(ids, sel.anchor ?? sel.cursor, id), anchor: sel.anchor ?? sel.cursor ?? id, cursor: id };
  return { selected: new Set([id]), anchor: id, cursor: id };
}

export function selectAll(sel: Selection, ids: readonly string[]): Selection {
  return { selected: new Set(ids), anchor: sel.anchor ?? ids[0] ?? null, cursor: sel.cursor ?? ids[0] ?? null };
}

/** Drops ids that no longer exist (removed torrents). Returns the same object when nothing changed. */
export function pruneSelection(sel: Selection, exists: (id: string) => boolean): Selection {
  let changed = false;
  const kept = new Set<string>();
  for (const id of sel.selected) {
    if (exists(id)) kept.add(id);
    else changed = true;
  }
  const anchor = sel.anchor !== null && exists(sel.anchor) ? sel.anchor : null;
  const cursor = sel.cursor !== null && exists(sel.cursor) ? sel.cursor : null;
  if (!changed && anchor === sel.anchor && cursor === sel.cursor) return sel;
  return { selected: kept, anchor, cursor };
}

/** The one torrent the detail panel shows: the cursor row when it is selected, else the first selected. */
export function focusedTorrent(sel: Selection): string | null {
  if (sel.cursor !== null && sel.selected.has(sel.cursor)) return sel.cursor;
  for (const id of sel.selected) return id;
  return null;
}
