/**
 * Headers on every HTTP response of `shoal serve`. The UI loads only its own scripts and styles
 * and talks only to its own WebSocket (`host` as the browser named it, checked by the caller);
 * nothing may frame it.
 */
export function securityHeaders(host: string): Record<string, string> {
  const ws = `ws://${host}`;
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `connect-src 'self' ${ws}`,
      "img-src 'self' data: blob:",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
