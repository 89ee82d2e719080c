import { createHash, randomBytes } from 'node:crypto';

/** The secret changes this often; a token stays valid for one to two periods (BEP 5: about 10 minutes). */
export const TOKEN_ROTATE_MS = 5 * 60_000;
export const TOKEN_LENGTH = 8;

/**
 * Tokens for get_peers replies: a hash of the asker's address and a secret that rotates, so
 * announce_peer proves the announcer asked from that address recently, and nothing is stored per asker.
 */
export class TokenSecrets {
  #current = randomBytes(16);
  #previous = randomBytes(16);
  #rotatedAt: number;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#rotatedAt = now();
  }

  issue(host: string): Buffer {
    this.#rotate();
    return token(this.#current, host);
  }

  valid(host: string, candidate: Uint8Array): boolean {
    this.#rotate();
    if (candidate.length !== TOKEN_LENGTH) return false;
    return token(this.#current, host).equals(candidate) || token(this.#previous, host).equals(candidate);
  }

  #rotate(): void {
    const now = this.#now();
    while (now - this.#rotatedAt >= TOKEN_ROTATE_MS) {
      // After a long quiet spell both secrets are replaced, so no old token lives on.
      this.#previous = now - this.#rotatedAt >= 2 * TOKEN_ROTATE_MS ? randomBytes(16) : this.#current;
      this.#current = randomBytes(16);
      this.#rotatedAt = now - this.#rotatedAt >= 2 * TOKEN_ROTATE_MS ? now : this.#rotatedAt + TOKEN_ROTATE_MS;
    }
  }
}

function token(secret: Buffer, host: string): Buffer {
  return createHash('sha1').update(secret).update(host).digest().subarray(0, TOKEN_LENGTH);
}
