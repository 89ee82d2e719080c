import { useState } from 'react';
import { absolutePathSchema, labelNameSchema, type Category } from '../../api/contract';
import { useCommand } from '../../store/use-command';
import { useShoal, useShoalStore } from '../../store/store';
import { Dialog } from '../Dialog';
import { CloseOnly } from '../DialogActions';
import { TextField } from '../settings/fields';
import { Problems } from '../settings/form-parse';

const draftOf = () => ({ name: '', savePath: '', ratio: '', minutes: '' });

/** Creates and removes categories: each a save path, and share limits for its torrents without their own. */
export function CategoriesDialog({ onClose }: { onClose(): void }) {
  const store = useShoalStore();
  const run = useCommand();
  const saved = useShoal((s) => s.settings?.categories);
  const categories = saved ?? {};
  const [draft, setDraft] = useState(draftOf);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = async (next: Record<string, Category>) => {
    const settings = await run('setSettings', { categories: next });
    if (settings) store.getState().setSettings(settings);
    return settings !== undefined;
  };
  const add = async () => {
    const p = new Problems();
    const name = draft.name.trim();
    if (!labelNameSchema.safeParse(name).success) p.add('name', 'Name the category (up to 100 characters).');
    else if (name in categories) p.add('name', `There is already a category named “${name}”.`);
    if (!absolutePathSchema.safeParse(draft.savePath.trim()).success) p.add('savePath', 'The save path must be a full path on the machine running Shoal, such as /home/me/Books.');
    const ratio = p.optionalDecimal('ratio', draft.ratio, 1_000_000, 'Ratio limit');
    const seedingTimeMinutes = p.optionalInteger('minutes', draft.minutes, 100_000_000, 'Seeding time limit');
    setErrors(p.errors);
    if (!p.ok) return;
    const shareLimits = ratio === null && seedingTimeMinutes === null ? null : { ratio, seedingTimeMinutes, inactiveSeedingTimeMinutes: null, match: 'any' as const, action: 'pause' as const };
    if (await save({ ...categories, [name]: { savePath: draft.savePath.trim(), shareLimits } })) setDraft(draftOf());
  };
  const remove = (name: string) => {
    const { [name]: _gone, ...rest } = categories;
    void save(rest);
  };
  return (
    <Dialog
      title="Categories"
      wide
      onClose={onClose}
      actions={<CloseOnly onClose={onClose} />}
    >
      {Object.keys(categories).length === 0 ? (
        <p className="muted">No categories yet.</p>
      ) : (
        <table className="table" aria-label="Categories">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Save path</th>
              <th scope="col">Share limits</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(categories).map(([name, c]) => (
              <tr key={name}>
                <td>{name}</td>
                <td className="mono">{c.savePath}</td>
                <td>{c.shareLimits === null ? 'Global' : [c.shareLimits.ratio !== null && `ratio ${c.shareLimits.ratio}`, c.shareLimits.seedingTimeMinutes !== null && `${c.shareLimits.seedingTimeMinutes} min seeding`].filter(Boolean).join(', ')}</td>
                <td>
                  <button type="button" className="small" aria-label={`Remove category ${name}`} onClick={() => remove(name)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        aria-label="New category"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <h3>New category</h3>
        <TextField label="Category name" inputMode="text" value={draft.name} error={errors['name']} onChange={(name) => setDraft({ ...draft, name })} />
        <TextField label="Save path" inputMode="text" wide value={draft.savePath} error={errors['savePath']} onChange={(savePath) => setDraft({ ...draft, savePath })} />
        <TextField label="Ratio limit" inputMode="decimal" placeholder="Global" value={draft.ratio} error={errors['ratio']} onChange={(ratio) => setDraft({ ...draft, ratio })} />
        <TextField label="Seeding time limit (minutes)" placeholder="Global" value={draft.minutes} error={errors['minutes']} onChange={(minutes) => setDraft({ ...draft, minutes })} />
        <button type="submit" className="primary">
          Add category
        </button>
      </form>
    </Dialog>
  );
}
