/** What a request's `Range` header asks of a representation `length` bytes long (RFC 9110 §14). */
export type RangeRequest = { readonly kind: 'whole' } | { readonly kind: 'range'; readonly start: number; readonly end: number } | { readonly kind: 'unsatisfiable' };

const WHOLE: RangeRequest = { kind: 'whole' };
/** Longer numbers are beyond any file's end (and beyond what a double holds exactly). */
const MAX_DIGITS = 15;

/**
 * One byte range, as `start`..`end` inclusive: `first-last`, `first-` (to the end) and `-n` (the
 * last n bytes). A header we do not take is ignored and the whole file sent, as RFC 9110 lets a
 * server do: another unit, a malformed or invalid range, or several ranges (we send no multipart
 * bodies, and a list of many ranges is how servers are made to do much work for little). A range
 * starting past the end, or a suffix of zero bytes, cannot be satisfied (416).
 */
export function parseRange(header: string | undefined, length: number): RangeRequest {
  if (header === undefined) return WHOLE;
  const match = /^\s*bytes\s*=\s*([^,]*)$/i.exec(header);
  if (!match) return WHOLE;
  const spec = /^(\d*)\s*-\s*(\d*)\s*$/.exec(match[1]!);
  if (!spec) return WHOLE;
  const [, firstText, lastText] = spec as unknown as [string, string, string];
  if (firstText === '') {
    if (lastText === '') return WHOLE;
    const suffix = lastText.length > MAX_DIGITS ? Infinity : Number(lastText);
    if (suffix === 0 || length === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, length - suffix), end: length - 1 };
  }
  const first = firstText.length > MAX_DIGITS ? Infinity : Number(firstText);
  const last = lastText === '' ? Infinity : lastText.length > MAX_DIGITS ? Infinity : Number(lastText);
  if (last < first) return WHOLE;
  if (first >= length) return { kind: 'unsatisfiable' };
  return { kind: 'range', start: first, end: Math.min(last, length - 1) };
}
