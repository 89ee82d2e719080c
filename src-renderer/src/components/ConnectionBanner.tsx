import { useShoal } from '../store/store';

/**
 * Says, above everything, that the engine is not connected: first while connecting, then, once it
 * was connected, that the figures shown are from before it dropped and actions wait for it.
 */
export function ConnectionBanner() {
  const connected = useShoal((s) => s.connected);
  const wasConnected = useShoal((s) => s.wasConnected);
  if (connected) return null;
  return (
    <section className={wasConnected ? 'banner offline' : 'banner'} aria-label="Connection">
      {wasConnected ? (
        <p role="alert">
          <strong>The connection to Shoal was lost.</strong> Reconnecting… The figures below are from before it dropped, and actions are off until it is back.
        </p>
      ) : (
        <p role="status">Connecting to Shoal…</p>
      )}
    </section>
  );
}
