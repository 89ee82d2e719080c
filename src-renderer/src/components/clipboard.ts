/** Writes `text` to the clipboard, or tells `report` in a sentence why the browser would not. */
export async function copyToClipboard(text: string, report: (message: string) => void): Promise<void> {
  // Browsers offer the clipboard only to secure pages (HTTPS, or this machine's own address).
  if (!navigator.clipboard) {
    report('This browser does not let the page use the clipboard here (it needs HTTPS or an address on this machine).');
    return;
  }
  await navigator.clipboard.writeText(text).catch(() => report('The browser refused to write to the clipboard.'));
}
