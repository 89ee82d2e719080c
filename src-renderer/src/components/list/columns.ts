import type { ColumnLayout } from '../../store/column-layout';
import { shownColumns } from '../../store/column-layout';
import type { SortKey } from '../../store/list-view';

export interface Column {
  key: SortKey;
  label: string;
  /** The header's accessible name when the label is only a symbol (it starts with the label). */
  title?: string;
  /**
   * Default width, px; the name column takes the rest of the row beyond it. All of them together
   * (1,080) fit the list of a 1280 px window beside the sidebar and a scrollbar (1,085).
   */
  width: number;
  align?: 'end';
}

export const columnOf: Readonly<Record<SortKey, Column>> = {
  queue: { key: 'queue', label: '#', title: '# Queue position', width: 44, align: 'end' },
  name: { key: 'name', label: 'Name', width: 200 },
  size: { key: 'size', label: 'Size', width: 84, align: 'end' },
  progress: { key: 'progress', label: 'Progress', width: 130 },
  state: { key: 'state', label: 'State', width: 112 },
  downRate: { key: 'downRate', label: 'Down', width: 96, align: 'end' },
  upRate: { key: 'upRate', label: 'Up', width: 96, align: 'end' },
  eta: { key: 'eta', label: 'ETA', width: 86, align: 'end' },
  seeds: { key: 'seeds', label: 'Seeds', width: 86, align: 'end' },
  peers: { key: 'peers', label: 'Peers', width: 86, align: 'end' },
  ratio: { key: 'ratio', label: 'Ratio', width: 60, align: 'end' },
};

export function widthOf(layout: ColumnLayout, key: SortKey): number {
  return layout.widths[key] ?? columnOf[key].width;
}

/** The CSS grid tracks of the shown columns, and the row's least width. */
export function gridOf(layout: ColumnLayout): { template: string; minWidth: number } {
  const keys = shownColumns(layout);
  const template = keys.map((k) => (k === 'name' ? `minmax(${widthOf(layout, k)}px, 1fr)` : `${widthOf(layout, k)}px`)).join(' ');
  return { template, minWidth: keys.reduce((sum, k) => sum + widthOf(layout, k), 0) };
}

export const rowHeight = 30;
