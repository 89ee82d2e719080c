import { useState } from 'react';
import { errorMessage, useApi } from '../../api/api-context';
import { InlineError } from '../InlineError';

/** For a torrent already in the list: adds the trackers of the one being added to it, as qBittorrent offers. */
export function DuplicateTrackers({ infoHash, name, trackers }: { infoHash: string; name: string; trackers: readonly string[] }) {
  const api = useApi();
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const merge = async () => {
    setBusy(true);
    setError(null);
    try {
      const { added } = await api.invoke('addTrackers', { infoHash, urls: [...trackers] });
      setOutcome(added === 0 ? `"${name}" already has all of its trackers.` : `Added ${added} new ${added === 1 ? 'tracker' : 'trackers'} to "${name}".`);
    } catch (err) {
      setError(errorMessage(err));
    }
    setBusy(false);
  };
  if (outcome !== null) return <p role="status">{outcome}</p>;
  return (
    <div className="duplicate-trackers">
      <p>
        This one has {trackers.length} {trackers.length === 1 ? 'tracker' : 'trackers'}: {trackers.join(', ')}
      </p>
      <button type="button" disabled={busy} onClick={() => void merge()}>
        Add its trackers to "{name}"
      </button>
      <InlineError message={error} />
    </div>
  );
}
