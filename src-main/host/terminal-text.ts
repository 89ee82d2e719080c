/**
 * Text from outside (torrents, magnets, trackers, peers, file names) as it may be printed for a
 * person: control characters (C0, DEL, C1) and bidirectional overrides are shown as escapes, so the
 * text cannot set the window title, clear the screen, move the cursor, reorder a line or forge a
 * line of its own. JSON output needs none of this (JSON.stringify escapes controls itself).
 */
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function terminalText(text: string): string {
  return text.replace(unsafe, (c) => named[c] ?? escapeCode(c.charCodeAt(0)));
}

/** An error sentence on one line of bounded length, whatever text it quotes. */
export function terminalLine(text: string, maxChars = 1000): string {
  const line = terminalText(text);
  return line.length <= maxChars ? line : `${line.slice(0, maxChars)}… (${line.length - maxChars} more characters)`;
}

function escapeCode(code: number): string {
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
