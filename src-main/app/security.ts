import type { Session, WebContents } from 'electron';

/**
 * The renderer loads only its own bundled files: no remote scripts, styles, frames or
 * connections. `data:` images and fonts are allowed because Vite inlines small assets that way.
 * Media may also come from the app's own stream server, named by its exact loopback origin.
 */
function contentSecurityPolicy(streamOrigin: string): string {
  // Only an exact http://127.0.0.1:<port>: anything looser would let the page play from elsewhere.
  if (!/^http:\/\/127\.0\.0\.1:\d{1,5}$/.test(streamOrigin)) throw new Error(`not a loopback stream origin: ${streamOrigin}`);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    `media-src 'self' ${streamOrigin}`,
  ].join('; ');
}

/** Applies the CSP to every response of the session and refuses every permission request. */
export function hardenSession(session: Session, streamOrigin: string): void {
  const policy = contentSecurityPolicy(streamOrigin);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [policy],
      },
    });
  });
  // A torrent client needs no camera, geolocation, notifications from the page, etc.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/**
 * Keeps a web contents on the page it was given: navigation, redirects, new windows and
 * <webview> attachment are all refused, so injected content can never load another origin. A
 * window the page asks for is refused too; `onOpenRequest` hears its address (and decides whether
 * something outside the app, such as a media player, should open it).
 */
export function hardenWebContents(contents: WebContents, onOpenRequest: (url: string) => void): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    onOpenRequest(url);
    return { action: 'deny' };
  });
}
