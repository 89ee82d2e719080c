import { useState } from 'react';
import { labelNameSchema, type TorrentSummary } from '../../api/contract';
import { useCommand } from '../../store/use-command';
import { useShoal } from '../../store/store';
import { InlineError } from '../InlineError';
import { LabelFields, type Labels } from '../sidebar/LabelFields';
import { parseTags } from '../sidebar/tag-list';
import { useTorrentActions } from '../use-torrent-actions';

/**
 * The selected torrent's category and tags, edited in place: a draft until Apply sends what
 * changed (the list's updates do not overwrite it). With several torrents selected, a button
 * opens the dialog that labels them all.
 */
export function TorrentLabelsForm({ summary }: { summary: TorrentSummary }) {
  const run = useCommand();
  const actions = useTorrentActions();
  const selected = useShoal((s) => s.selection.selected.size);
  const saved: Labels = { category: summary.category ?? '', tags: (summary.tags ?? []).join(', ') };
  const [draft, setDraft] = useState<Labels | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = draft ?? saved;
  const set = (part: Partial<Labels>) => {
    setDraft({ ...shown, ...part });
    setError(null);
  };

  const apply = async () => {
    if (draft === null) return;
    const tags = parseTags(draft.tags);
    const bad = tags.find((t) => !labelNameSchema.safeParse(t).success);
    if (bad !== undefined) return setError(`“${bad.slice(0, 100)}” cannot be a tag: at most 100 characters, no control characters.`);
    const before = summary.tags ?? [];
    const addTags = tags.filter((t) => !before.includes(t));
    const removeTags = before.filter((t) => !tags.includes(t));
    const done = await run('setLabels', {
      infoHashes: [summary.infoHash],
      ...(draft.category !== saved.category ? { category: draft.category === '' ? null : draft.category } : {}),
      ...(addTags.length > 0 ? { addTags } : {}),
      ...(removeTags.length > 0 ? { removeTags } : {}),
    });
    // On a refusal the draft stays; the notice says why.
    if (done !== undefined) setDraft(null);
  };

  return (
    <form
      className="options"
      aria-label="Category and tags"
      onSubmit={(e) => {
        e.preventDefault();
        void apply();
      }}
    >
      <LabelFields labels={shown} onChange={set} />
      <InlineError message={error} />
      <div className="options-actions">
        {selected > 1 && (
          <button type="button" onClick={() => actions.askLabels()}>
            Label all {selected} selected…
          </button>
        )}
        <button type="button" disabled={draft === null} onClick={() => setDraft(null)}>
          Reset
        </button>
        <button type="submit" className="primary" disabled={draft === null}>
          Apply
        </button>
      </div>
    </form>
  );
}
