/** Which list columns show, in what order and how wide: chosen by the user, kept across reloads. */
import { sortKeys, type SortKey } from './list-view';

export interface ColumnLayout {
  readonly order: readonly SortKey[];
  readonly hidden: readonly SortKey[];
  /** Widths the user dragged to, in px; the rest keep their default. */
  readonly widths: Readonly<Partial<Record<SortKey, number>>>;
}

export const defaultColumnLayout: ColumnLayout = { order: sortKeys, hidden: [], widths: {} };

export const minColumnWidth = 40;
export const maxColumnWidth = 800;

/** The columns shown, in order; the name always is. */
export function shownColumns(layout: ColumnLayout): SortKey[] {
  return layout.order.filter((k) => k === 'name' || !layout.hidden.includes(k));
}

export function toggleColumn(layout: ColumnLayout, key: SortKey): ColumnLayout {
  if (key === 'name') return layout;
  const hidden = layout.hidden.includes(key) ? layout.hidden.filter((k) => k !== key) : [...layout.hidden, key];
  return { ...layout, hidden };
}

/** Puts `key` where `before` is (or last, for null), shifting the others. */
export function moveColumn(layout: ColumnLayout, key: SortKey, before: SortKey | null): ColumnLayout {
  if (key === before) return layout;
  const rest = layout.order.filter((k) => k !== key);
  const at = before === null ? rest.length : rest.indexOf(before);
  return { ...layout, order: [...rest.slice(0, at), key, ...rest.slice(at)] };
}

/** Moves `key` one place among the shown columns (keyboard users' way to reorder). */
export function stepColumn(layout: ColumnLayout, key: SortKey, step: -1 | 1): ColumnLayout {
  const order = [...layout.order];
  const i = order.indexOf(key);
  const j = i + step;
  if (i < 0 || j < 0 || j >= order.length) return layout;
  [order[i], order[j]] = [order[j]!, order[i]!];
  return { ...layout, order };
}

export function resizeColumn(layout: ColumnLayout, key: SortKey, width: number): ColumnLayout {
  const px = Math.round(Math.min(maxColumnWidth, Math.max(minColumnWidth, width)));
  return { ...layout, widths: { ...layout.widths, [key]: px } };
}

const isKey = (v: unknown): v is SortKey => typeof v === 'string' && (sortKeys as readonly string[]).includes(v);

/** A layout read back from storage: unknown keys dropped, missing columns appended, widths clamped. */
export function layoutFrom(raw: unknown): ColumnLayout {
  if (typeof raw !== 'object' || raw === null) return defaultColumnLayout;
  const r = raw as Record<string, unknown>;
  const order = Array.isArray(r.order) ? [...new Set(r.order.filter(isKey))] : [];
  for (const k of sortKeys) if (!order.includes(k)) order.push(k);
  const hidden = Array.isArray(r.hidden) ? r.hidden.filter(isKey).filter((k) => k !== 'name') : [];
  const widths: Partial<Record<SortKey, number>> = {};
  if (typeof r.widths === 'object' && r.widths !== null) {
    for (const [k, v] of Object.entries(r.widths)) {
      if (isKey(k) && typeof v === 'number' && Number.isFinite(v)) widths[k] = Math.min(maxColumnWidth, Math.max(minColumnWidth, Math.round(v)));
    }
  }
  return { order, hidden, widths };
}
