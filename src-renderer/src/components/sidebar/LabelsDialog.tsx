import { useState } from 'react';
import { labelNameSchema } from '../../api/contract';
import { useCommand } from '../../store/use-command';
import { useShoal, useShoalStore } from '../../store/store';
import { CancelOrConfirm } from '../DialogActions';
import { CategoryOptions } from './CategoryOptions';
import { Dialog } from '../Dialog';
import { InlineError } from '../InlineError';
import { parseTags } from './tag-list';

const keep = '\u0000keep';

/** Sets the selected torrents' category and adds or removes tags. */
export function LabelsDialog() {
  const labeling = useShoal((s) => s.labeling);
  return labeling === null ? null : <LabelsForm key={labeling.join()} ids={labeling} />;
}

function LabelsForm({ ids }: { ids: readonly string[] }) {
  const store = useShoalStore();
  const run = useCommand();
  const categories = useShoal((s) => s.settings?.categories);
  const current = useShoal((s) => (ids.length === 1 ? (s.torrents.get(ids[0]!)?.category ?? '') : keep));
  const [category, setCategory] = useState(current);
  const [addTags, setAddTags] = useState('');
  const [removeTags, setRemoveTags] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = () => store.getState().setLabeling(null);
  const submit = async () => {
    const add = parseTags(addTags);
    const remove = parseTags(removeTags);
    const bad = [...add, ...remove].find((t) => !labelNameSchema.safeParse(t).success);
    if (bad !== undefined) return setError(`“${bad.slice(0, 100)}” cannot be a tag: at most 100 characters, no control characters.`);
    close();
    await run('setLabels', {
      infoHashes: [...ids],
      ...(category !== keep ? { category: category === '' ? null : category } : {}),
      ...(add.length > 0 ? { addTags: add } : {}),
      ...(remove.length > 0 ? { removeTags: remove } : {}),
    });
  };
  return (
    <Dialog
      title="Category and tags"
      onClose={close}
      actions={<CancelOrConfirm label="Apply" onCancel={close} onConfirm={() => void submit()} />}
    >
      <p>{ids.length === 1 ? 'The data stays where it is.' : `For ${ids.length} torrents; the data stays where it is.`}</p>
      <label className="field">
        <span>Category</span>
        <select value={category} onChange={(e) => setCategory(e.target.value)} data-autofocus>
          {ids.length > 1 && <option value={keep}>Keep each one’s</option>}
          <option value="">None</option>
          <CategoryOptions categories={categories} />
        </select>
      </label>
      <label className="field">
        <span>Add tags (comma-separated)</span>
        <input type="text" value={addTags} onChange={(e) => setAddTags(e.target.value)} />
      </label>
      <label className="field">
        <span>Remove tags (comma-separated)</span>
        <input type="text" value={removeTags} onChange={(e) => setRemoveTags(e.target.value)} />
      </label>
      <InlineError message={error} />
    </Dialog>
  );
}
