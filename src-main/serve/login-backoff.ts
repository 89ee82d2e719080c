/** Wrong tokens an address may present before it has to wait. */
const FREE_TRIES = 5;
/** The first wait; each further wrong token doubles it, up to `MAX_WAIT_MS`. */
const FIRST_WAIT_MS = 1000;
const MAX_WAIT_MS = 60_000;
/** An address that stays quiet this long starts afresh. */
const FORGET_AFTER_MS = 10 * 60_000;
/** Addresses remembered at most; the stalest is forgotten first. */
const MAX_ADDRESSES = 10_000;

interface Record {
  failures: number;
  last: number;
  until: number;
}

/**
 * Slows down token guessing per remote address: a few wrong tokens are free, then each one makes
 * the address wait twice as long as the last (1 s up to a minute) before any token of it is
 * checked again. The right token, once the wait is over, clears the address's record.
 */
export class LoginBackoff {
  readonly #records = new Map<string, Record>();

  /** How long `address` must still wait before its token is checked; 0: check it now. */
  waitMs(address: string, now: number): number {
    address = guesserOf(address);
    const record = this.#records.get(address);
    if (!record) return 0;
    if (now - record.last > FORGET_AFTER_MS) {
      this.#records.delete(address);
      return 0;
    }
    return Math.max(0, record.until - now);
  }

  failed(address: string, now: number): void {
    address = guesserOf(address);
    const record = this.#records.get(address) ?? { failures: 0, last: now, until: 0 };
    this.#records.delete(address); // re-inserted last: the map stays stalest first
    record.failures++;
    record.last = now;
    if (record.failures >= FREE_TRIES) record.until = now + Math.min(FIRST_WAIT_MS * 2 ** (record.failures - FREE_TRIES), MAX_WAIT_MS);
    this.#records.set(address, record);
    if (this.#records.size > MAX_ADDRESSES) this.#records.delete(this.#records.keys().next().value!);
  }

  succeeded(address: string): void {
    this.#records.delete(guesserOf(address));
  }
}

/**
 * Who is guessing: an IPv4 address (mapped ones too), or an IPv6 address's /64, since one host
 * is commonly handed a whole /64 and could otherwise take a fresh address for every guess.
 */
function guesserOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const front = groups(head);
  const back = groups(tail);
  const full = [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${full.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
