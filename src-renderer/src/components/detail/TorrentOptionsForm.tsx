import { useState } from 'react';
import { defaultLimitSettings, type TorrentOptions } from '../../api/contract';
import { useCommand } from '../../store/use-command';
import { useShoal, useShoalStore } from '../../store/store';
import { CheckField, RateField, ShareLimitsFields } from '../settings/fields';
import { optionsDraft, parseOptionsDraft, type OptionsDraft } from './options-form';

/**
 * The selected torrent's own limits and download order. Edits stay a draft (the 1 Hz detail
 * updates do not overwrite them) until Apply sends the changed options.
 */
export function TorrentOptionsForm({ infoHash, options }: { infoHash: string; options: TorrentOptions }) {
  const run = useCommand();
  const store = useShoalStore();
  const globalShare = useShoal((s) => s.settings?.shareLimits ?? defaultLimitSettings.shareLimits);
  const [draft, setDraft] = useState<OptionsDraft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const shown = draft ?? optionsDraft(options, globalShare);
  const set = (part: Partial<OptionsDraft>) => setDraft({ ...shown, ...part });

  const apply = async () => {
    if (draft === null) return;
    const parsed = parseOptionsDraft(draft, options);
    setErrors(parsed.ok ? {} : parsed.errors);
    if (!parsed.ok) return;
    if (Object.keys(parsed.changes).length === 0) return setDraft(null);
    setBusy(true);
    const done = await run('setTorrentOptions', { infoHashes: [infoHash], options: parsed.changes });
    setBusy(false);
    // On a refusal the draft stays, so nothing typed is lost; the notice says why.
    if (done === undefined) return;
    store.getState().optionsSaved(infoHash, parsed.changes);
    setDraft(null);
  };

  return (
    <form
      className="options"
      aria-label="Torrent options"
      onSubmit={(e) => {
        e.preventDefault();
        void apply();
      }}
    >
      <RateField label="Download limit" value={shown.speed.down} error={errors['speed.down']} onChange={(down) => set({ speed: { ...shown.speed, down } })} />
      <RateField label="Upload limit" value={shown.speed.up} error={errors['speed.up']} onChange={(up) => set({ speed: { ...shown.speed, up } })} />
      <CheckField label="Download in order (sequential)" checked={shown.sequential} onChange={(sequential) => set({ sequential })} />
      <CheckField label="First and last pieces first" checked={shown.firstLastPiecesFirst} onChange={(firstLastPiecesFirst) => set({ firstLastPiecesFirst })} />
      <CheckField label="Own seeding limits (else the global ones)" checked={shown.ownShareLimits} onChange={(ownShareLimits) => set({ ownShareLimits })} />
      {shown.ownShareLimits && <ShareLimitsFields field="share" value={shown.share} errors={errors} onChange={(share) => set({ share })} />}
      <div className="options-actions">
        <button type="button" disabled={draft === null || busy} onClick={() => {
          setDraft(null);
          setErrors({});
        }}>
          Reset
        </button>
        <button type="submit" className="primary" disabled={draft === null || busy}>
          Apply
        </button>
      </div>
    </form>
  );
}
