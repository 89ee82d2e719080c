import type { GeneralInfo } from '../api/contract';
import { formatMetaVersion } from '../format';

/**
 * The version and info-hashes of a torrent as rows of a `<dl>`, for the add dialog and the
 * General tab. A v2-only torrent has no SHA-1 info-hash: its key is its v2 hash cut short, which
 * would pass for one, so that row is left out.
 */
export function TorrentHashes({ version, infoHash, infoHashV2, selectable }: Pick<GeneralInfo, 'version' | 'infoHash' | 'infoHashV2'> & { selectable: boolean }) {
  const hashClass = selectable ? 'mono selectable' : 'mono';
  return (
    <>
      {version !== null && (
        <>
          <dt>Version</dt>
          <dd>{formatMetaVersion(version)}</dd>
        </>
      )}
      {version !== 'v2' && (
        <>
          <dt>Info-hash</dt>
          <dd className={hashClass}>{infoHash}</dd>
        </>
      )}
      {infoHashV2 !== null && (
        <>
          <dt>Info-hash v2</dt>
          <dd className={hashClass}>{infoHashV2}</dd>
        </>
      )}
    </>
  );
}
