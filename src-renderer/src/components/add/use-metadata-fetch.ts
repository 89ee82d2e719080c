import { useCallback, useEffect, useState } from 'react';
import { errorMessage, useApi } from '../../api/api-context';
import type { TorrentPreview } from '../../api/contract';

export type MetadataFetch =
  | { state: 'fetching'; peers: number }
  | { state: 'ready'; preview: TorrentPreview }
  | { state: 'failed'; problem: string };

/**
 * A magnet link's metadata fetched from its peers while the add dialog is open (`enabled`), so its
 * files can be chosen before anything is downloaded; the fetch is cancelled when the dialog goes
 * (adding takes what was fetched first, so that cancel then finds nothing). Null when not enabled.
 */
export function useMetadataFetch(uri: string | null, infoHash: string, enabled: boolean): { fetch: MetadataFetch | null; retry(): void } {
  const api = useApi();
  const [fetch, setFetch] = useState<MetadataFetch>({ state: 'fetching', peers: 0 });
  const [attempt, setAttempt] = useState(0);
  const active = enabled && uri !== null;
  useEffect(() => {
    if (!active) return;
    let live = true;
    const off = api.on('metadata', (ev) => {
      if (!live || ev.infoHash !== infoHash) return;
      if (ev.problem !== null) setFetch({ state: 'failed', problem: ev.problem });
      else if (ev.preview !== null) setFetch({ state: 'ready', preview: ev.preview });
      else setFetch({ state: 'fetching', peers: ev.peers });
    });
    api.invoke('fetchMetadata', { uri }).catch((err: unknown) => live && setFetch({ state: 'failed', problem: errorMessage(err) }));
    return () => {
      live = false;
      off();
      void api.invoke('cancelMetadata', { infoHash }).catch(() => undefined);
    };
  }, [api, uri, infoHash, active, attempt]);
  const retry = useCallback(() => {
    setFetch({ state: 'fetching', peers: 0 });
    setAttempt((n) => n + 1);
  }, []);
  return { fetch: active ? fetch : null, retry };
}
