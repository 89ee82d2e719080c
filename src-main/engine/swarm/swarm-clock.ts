interface Clock {
  readonly timer: NodeJS.Timeout;
  /** Each member with the round it joined in. */
  readonly members: Map<() => void, number>;
  round: number;
}

const clocks = new Map<number, Clock>();

/**
 * Calls `tick` every `periodMs` on a timer shared by every swarm with that period, instead of a
 * timer per torrent: a thousand idle torrents then wake the process once a second, not a
 * thousand times. Returns the function that stops the calls; the timer goes with its last member.
 */
export function everyTick(periodMs: number, tick: () => void): () => void {
  let clock = clocks.get(periodMs);
  if (clock === undefined) {
    const members = new Map<() => void, number>();
    const timer = setInterval(() => {
      const round = ++ticking.round;
      // Without copying the members (thousands of seeds, every second): a tick may stop other
      // swarms (or itself), which a Map's iteration then skips; one started meanwhile waits for
      // the next round.
      for (const [member, joined] of members) if (joined < round) member();
    }, periodMs);
    // Like the per-torrent timers were: ticking alone keeps no process alive.
    timer.unref();
    const ticking: Clock = { timer, members, round: 0 };
    clock = ticking;
    clocks.set(periodMs, clock);
  }
  const member = (): void => tick();
  clock.members.set(member, clock.round);
  const joined = clock;
  return () => {
    if (!joined.members.delete(member) || joined.members.size > 0) return;
    clearInterval(joined.timer);
    if (clocks.get(periodMs) === joined) clocks.delete(periodMs);
  };
}
