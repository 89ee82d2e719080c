/** Desktop notifications when a download finishes: the user's choice, kept per browser, and the permission it needs. */

const key = 'shoal.notifyFinished.v1';

/** This browser can show notifications at all. */
export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

export function notifyFinishedWanted(storage: Pick<Storage, 'getItem'> = localStorage): boolean {
  try {
    return storage.getItem(key) === 'on';
  } catch {
    return false;
  }
}

/**
 * Turns the notifications on or off. Turning them on asks the browser's permission, so it must run
 * in a user gesture (a click); returns whether they are on afterwards (off when permission was refused).
 */
export async function setNotifyFinished(on: boolean, storage: Pick<Storage, 'setItem'> = localStorage): Promise<boolean> {
  const granted = on && notificationsSupported() && (Notification.permission === 'granted' || (await Notification.requestPermission()) === 'granted');
  try {
    storage.setItem(key, granted ? 'on' : 'off');
  } catch {
    // Storage denied (private window): the choice lasts this page only.
  }
  return granted;
}
