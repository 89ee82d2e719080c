import { useState } from 'react';
import { useCommand } from '../store/use-command';
import { useShoal, useShoalStore } from '../store/store';
import { CancelOrConfirm } from './DialogActions';
import { Dialog } from './Dialog';
import { RateField } from './settings/fields';
import { Problems } from './settings/form-parse';
import { parseSpeed, speedText, type SpeedText } from './settings/limits-form';

/** Sets the same own speed limits on every selected torrent (empty: no limit of its own). */
export function SpeedLimitsDialog() {
  const limiting = useShoal((s) => s.limiting);
  return limiting === null ? null : <SpeedLimitsForm key={limiting.join()} ids={limiting} />;
}

function SpeedLimitsForm({ ids }: { ids: readonly string[] }) {
  const store = useShoalStore();
  const run = useCommand();
  const firstName = useShoal((s) => (ids.length === 1 ? s.torrents.get(ids[0]!)?.name : undefined));
  // One torrent's current limits are known from its General tab; for several, start from none.
  const current = useShoal((s) => (ids.length === 1 && s.detail?.infoHash === ids[0] ? s.detail?.general?.options.speedLimit : undefined));
  const [text, setText] = useState<SpeedText>(() => speedText(current ?? { down: 0, up: 0 }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const close = () => store.getState().setLimiting(null);
  const submit = async () => {
    const p = new Problems();
    const speedLimit = parseSpeed(p, 'speed', text, (way) => `${way === 'download' ? 'Download' : 'Upload'} limit`);
    setErrors(p.errors);
    if (!p.ok) return;
    close();
    if ((await run('setTorrentOptions', { infoHashes: [...ids], options: { speedLimit } })) !== undefined) {
      for (const id of ids) store.getState().optionsSaved(id, { speedLimit });
    }
  };
  const what = firstName !== undefined ? `“${firstName}”` : `${ids.length} torrents`;
  return (
    <Dialog
      title="Speed limits"
      onClose={close}
      actions={<CancelOrConfirm label="Apply" onCancel={close} onConfirm={() => void submit()} />}
    >
      <p>Own speed limits for {what}, on top of the global ones. Leave a field empty for no limit of its own.</p>
      <RateField label="Download limit" value={text.down} error={errors['speed.down']} onChange={(down) => setText({ ...text, down })} />
      <RateField label="Upload limit" value={text.up} error={errors['speed.up']} onChange={(up) => setText({ ...text, up })} />
    </Dialog>
  );
}
