interface Clock {
  readonly timer: NodeJS.Timeout;
  readonly members: Set<() => void>;
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
    const members = new Set<() => void>();
    const timer = setInterval(() => {
      // A tick may stop other swarms (or itself): only those still registered are called.
      for (const member of [...members]) if (members.has(member)) member();
    }, periodMs);
    // Like the per-torrent timers were: ticking alone keeps no process alive.
    timer.unref();
    clock = { timer, members };
    clocks.set(periodMs, clock);
  }
  const member = (): void => tick();
  clock.members.add(member);
  const joined = clock;
  return () => {
    if (!joined.members.delete(member) || joined.members.size > 0) return;
    clearInterval(joined.timer);
    if (clocks.get(periodMs) === joined) clocks.delete(periodMs);
  };
}
