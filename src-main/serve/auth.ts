import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ShoalError } from '../../src-shared/errors';

export const sessionCookieName = 'shoal_session';

/** A fresh secret for one `shoal serve` run: 256 random bits, URL- and cookie-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A user-chosen token must survive URLs and cookies unescaped and not be trivially guessable. */
export function checkToken(token: string): string {
  if (!/^[A-Za-z0-9._~-]{8,256}$/.test(token)) {
    throw new ShoalError('invalid-input', '--token must be 8 to 256 letters, digits or . _ ~ -');
  }
  return token;
}

/** Compares in constant time: both sides are hashed first so their lengths always match. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (given === null || given === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function sessionCookie(token: string): string {
  return `${sessionCookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export type Credential = 'cookie' | 'query' | null;

/** Which credential, if any, makes this request allowed. */
export function credentialOf(request: IncomingMessage, url: URL, token: string): Credential {
  if (tokenMatches(token, cookieValue(request.headers.cookie, sessionCookieName))) return 'cookie';
  if (tokenMatches(token, url.searchParams.get('token'))) return 'query';
  return null;
}
