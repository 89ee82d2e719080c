import { useEffect } from 'react';
import { useApi } from '../../api/api-context';
import { notificationsSupported, notifyFinishedWanted } from './notify-finished';

/** Shows a desktop notification for each finished download, when the user turned them on and the browser allows them. */
export function FinishNotifier() {
  const api = useApi();
  useEffect(
    () =>
      api.on('notice', (ev) => {
        if (ev.kind !== 'torrent-finished' || !notificationsSupported() || Notification.permission !== 'granted' || !notifyFinishedWanted()) return;
        // One notification per torrent: a second finish (after a recheck) replaces the first.
        new Notification('Download complete', { body: ev.name ?? ev.message, tag: ev.infoHash ?? ev.message, icon: favicon() });
      }),
    [api],
  );
  return null;
}

function favicon(): string | undefined {
  return document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href;
}
