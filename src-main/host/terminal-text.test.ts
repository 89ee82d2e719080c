import { describe, expect, it } from 'vitest';
import { terminalLine, terminalText } from './terminal-text';

describe('terminalText', () => {
  it('shows C0, DEL, C1 and bidi controls as escapes and leaves other text alone', () => {
    expect(terminalText('a\x1b]0;t\x07b\n\r\t\x7f\x9b\u202e\u2066é日本')).toBe('a\\x1b]0;t\\x07b\\n\\r\\t\\x7f\\u009b\\u202e\\u2066é日本');
  });
});

describe('terminalLine', () => {
  it('cuts a long sentence and says how much is left out', () => {
    expect(terminalLine('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)}… (40 more characters)`);
    expect(terminalLine('short\nline', 20)).toBe('short\\nline');
  });
});
