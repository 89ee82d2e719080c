import type { SortKey } from '../../store/list-view';

export interface Column {
  key: SortKey;
  label: string;
  /** The header's accessible name when the label is only a symbol. */
  title?: string;
  /** CSS grid track. */
  width: string;
  align?: 'end';
}

export const columns: readonly Column[] = [
  { key: 'queue', label: '#', title: 'Queue position', width: '44px', align: 'end' },
  { key: 'name', label: 'Name', width: 'minmax(220px, 1fr)' },
  { key: 'size', label: 'Size', width: '84px', align: 'end' },
  { key: 'progress', label: 'Progress', width: '150px' },
  { key: 'state', label: 'State', width: '112px' },
  { key: 'downRate', label: 'Down', width: '96px', align: 'end' },
  { key: 'upRate', label: 'Up', width: '96px', align: 'end' },
  { key: 'eta', label: 'ETA', width: '86px', align: 'end' },
  { key: 'seeds', label: 'Seeds', width: '86px', align: 'end' },
  { key: 'peers', label: 'Peers', width: '86px', align: 'end' },
  { key: 'ratio', label: 'Ratio', width: '60px', align: 'end' },
];

export const gridTemplate = columns.map((c) => c.width).join(' ');

export const rowHeight = 30;
