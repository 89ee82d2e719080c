import { Notification } from 'electron';
import type { EventPayload } from '../../src-shared/contract';

/** A desktop notification for a finished download; clicking it brings the window back. */
export function notifyFinished(notice: EventPayload<'notice'>, showWindow: () => void): void {
  if (notice.kind !== 'torrent-finished' || !Notification.isSupported()) return;
  const notification = new Notification({ title: 'Download complete', body: notice.message });
  notification.on('click', showWindow);
  notification.show();
}
