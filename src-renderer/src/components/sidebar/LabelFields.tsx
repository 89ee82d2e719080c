import { useShoal } from '../../store/store';
import { CategoryOptions } from './CategoryOptions';

export interface Labels {
  /** '' for none. */
  category: string;
  /** As typed: comma-separated (see `parseTags`). */
  tags: string;
}

/** A torrent's category (none or one of the settings') and its tags, as the add dialog and the General tab edit them. */
export function LabelFields({ labels, onChange }: { labels: Labels; onChange(change: Partial<Labels>): void }) {
  const categories = useShoal((s) => s.settings?.categories);
  return (
    <>
      <label className="field">
        <span>Category</span>
        <select value={labels.category} onChange={(e) => onChange({ category: e.target.value })}>
          <option value="">None</option>
          <CategoryOptions categories={categories} />
        </select>
      </label>
      <label className="field">
        <span>Tags (comma-separated)</span>
        <input type="text" value={labels.tags} onChange={(e) => onChange({ tags: e.target.value })} />
      </label>
    </>
  );
}
