import { describe, expect, it } from 'vitest';
import { TOKEN_LENGTH, TOKEN_ROTATE_MS, TokenSecrets } from './tokens';

describe('TokenSecrets', () => {
  it('accepts a token from the address it was given to, for one to two rotation periods', () => {
    let t = 0;
    const secrets = new TokenSecrets(() => t);
    const token = secrets.issue('1.2.3.4');
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(secrets.valid('1.2.3.4', token)).toBe(true);
    expect(secrets.valid('1.2.3.5', token)).toBe(false);
    t += TOKEN_ROTATE_MS; // rotated once: still valid (about 10 minutes in all)
    expect(secrets.valid('1.2.3.4', token)).toBe(true);
    t += TOKEN_ROTATE_MS;
    expect(secrets.valid('1.2.3.4', token)).toBe(false);
  });

  it('forgets every old token after a long quiet spell', () => {
    let t = 0;
    const secrets = new TokenSecrets(() => t);
    const token = secrets.issue('1.2.3.4');
    t += 10 * TOKEN_ROTATE_MS;
    expect(secrets.valid('1.2.3.4', token)).toBe(false);
    expect(secrets.valid('1.2.3.4', secrets.issue('1.2.3.4'))).toBe(true);
  });

  it('refuses tokens of the wrong length', () => {
    const secrets = new TokenSecrets();
    expect(secrets.valid('1.2.3.4', Buffer.alloc(0))).toBe(false);
    expect(secrets.valid('1.2.3.4', Buffer.concat([secrets.issue('1.2.3.4'), Buffer.alloc(1)]))).toBe(false);
  });
});
