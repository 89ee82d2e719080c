import { ShoalError } from '../../../src-shared/errors';

/**
 * The sentence for a tracker that could not be reached at all, from the socket's error code: what
 * happened and what to do. Shoal retries by itself, so the advice is only for what it cannot fix.
 */
export function trackerUnreachable(code: string | undefined): ShoalError {
  switch (code) {
    case 'ECONNREFUSED':
      return new ShoalError('network', 'The tracker cannot be reached (ECONNREFUSED): nothing answers at its address, so it is down or the address is out of date. Shoal tries again by itself; other trackers and peers still work.');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ShoalError('network', `The tracker cannot be reached (${code}): its host name is not known. Check your internet connection, or remove the tracker if its name is gone.`);
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ShoalError('network', `The tracker cannot be reached (${code}): the network between us failed. Check your internet connection; Shoal tries again by itself.`);
    default:
      return new ShoalError('network', `The tracker cannot be reached${code ? ` (${code})` : ''}. Shoal tries again by itself; check your internet connection if this stays.`);
  }
}
