import type { Duplex } from 'node:stream';

/**
 * What the peer wire needs of a connection, so a TCP socket and a uTP one (`../utp`) serve alike:
 * a duplex byte stream with the peer's address.
 */
export interface PeerSocket extends Duplex {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  setNoDelay(noDelay?: boolean): this;
}
