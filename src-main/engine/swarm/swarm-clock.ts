/** A swarm on a clock: what to call, and the round it joined in. */
interface Member {
  readonly tick: () => void;
  readonly joined: number;
}

interface Clock {
  readonly timer: NodeJS.Timeout;
  readonly members: Set<Member>;
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
    const members = new Set<Member>();
    const timer = setInterval(() => {
      const round = ++ticking.round;
      // Without copying the members or making an entry per member (thousands of seeds, every
      // second): a tick may stop other swarms (or itself), which a Set's iteration then skips;
      // one started meanwhile waits for the next round.
      for (const member of members) if (member.joined < round) member.tick();
    }, periodMs);
    // Like the per-torrent timers were: ticking alone keeps no process alive.
    timer.unref();
    const ticking: Clock = { timer, members, round: 0 };
    clock = ticking;
    clocks.set(periodMs, clock);
  }
  const member: Member = { tick, joined: clock.round };
  clock.members.add(member);
  const joined = clock;
  return () => {
    if (!joined.members.delete(member) || joined.members.size > 0) return;
    clearInterval(joined.timer);
    if (clocks.get(periodMs) === joined) clocks.delete(periodMs);
  };
}
