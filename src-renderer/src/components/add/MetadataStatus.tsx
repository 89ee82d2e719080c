import type { MetadataFetch } from './use-metadata-fetch';

/** While a magnet's metadata is fetched: how many peers were found so far; or why it failed, with another try. */
export function MetadataStatus({ fetch, onRetry }: { fetch: Exclude<MetadataFetch, { state: 'ready' }>; onRetry(): void }) {
  if (fetch.state === 'failed') {
    return (
      <div className="fetch-status">
        <p role="alert" className="inline-error">
          {fetch.problem}
        </p>
        <button type="button" onClick={onRetry}>Try again</button>
      </div>
    );
  }
  const found = fetch.peers === 0 ? 'No peers found yet.' : `${fetch.peers} ${fetch.peers === 1 ? 'peer' : 'peers'} found.`;
  return (
    <div className="fetch-status">
      <p role="status">
        <span className="spinner" aria-hidden="true" />
        Fetching the list of files from peers… {found}
      </p>
      <p className="muted">Its files show here once they arrive, to choose what to download. Add without waiting to start now and choose later in the Files tab.</p>
    </div>
  );
}
