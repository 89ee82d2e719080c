/** A swarm on a clock: what to call, the round it joined (or woke) in, and whether it sleeps. */
interface Member {
  readonly tick: () => void;
  joined: number;
  state: 'awake' | 'asleep' | 'stopped';
  /** The round an asleep member wakes in by itself (undefined: only when woken). */
  dueRound: number | undefined;
}

interface Clock {
  readonly timer: NodeJS.Timeout;
  /** The members called each round. */
  readonly awake: Set<Member>;
  /** Asleep members, awake or not: the timer goes when the last member stops. */
  members: number;
  /** Asleep members by the round they wake in: a wheel of absolute round numbers, so a round's wake-ups are one lookup. */
  readonly due: Map<number, Set<Member>>;
  round: number;
}

/** A member's handle on its clock. */
export interface Ticking {
  /** No more calls, for good. */
  stop(): void;
  /** No calls until `wake()`, or until the time `at` (ms, as `Date.now()`) when given. */
  sleep(at?: number): void;
  /** Called again from the next round on (nothing if awake or stopped). */
  wake(): void;
}

const clocks = new Map<number, Clock>();

/**
 * Calls `tick` every `periodMs` on a timer shared by every swarm with that period, instead of a
 * timer per torrent: a thousand torrents then wake the process once a second, not a thousand
 * times. A member with nothing to do sleeps (a seed without peers): it costs nothing per round
 * until it is woken, or until the time it asked for. The timer goes with its last member.
 */
export function everyTick(periodMs: number, tick: () => void): Ticking {
  const clock = clocks.get(periodMs) ?? newClock(periodMs);
  const member: Member = { tick, joined: clock.round, state: 'awake', dueRound: undefined };
  clock.awake.add(member);
  clock.members++;
  return {
    stop: () => {
      if (member.state === 'stopped') return;
      unschedule(clock, member);
      clock.awake.delete(member);
      member.state = 'stopped';
      if (--clock.members > 0) return;
      clearInterval(clock.timer);
      if (clocks.get(periodMs) === clock) clocks.delete(periodMs);
    },
    sleep: (at) => {
      if (member.state === 'stopped') return;
      unschedule(clock, member);
      clock.awake.delete(member);
      member.state = 'asleep';
      if (at === undefined) return;
      // At least the next round; a little late rather than early, as an awake member would see it.
      const round = clock.round + Math.max(1, Math.ceil((at - Date.now()) / periodMs));
      let due = clock.due.get(round);
      if (due === undefined) clock.due.set(round, (due = new Set()));
      due.add(member);
      member.dueRound = round;
    },
    wake: () => {
      if (member.state !== 'asleep') return;
      unschedule(clock, member);
      wakeUp(clock, member, clock.round);
    },
  };
}

function newClock(periodMs: number): Clock {
  const awake = new Set<Member>();
  const due = new Map<number, Set<Member>>();
  const timer = setInterval(() => {
    const round = ++clock.round;
    const waking = due.get(round);
    if (waking !== undefined) {
      due.delete(round);
      // Due this round: called in it.
      for (const member of waking) {
        member.dueRound = undefined;
        wakeUp(clock, member, round - 1);
      }
    }
    // Without copying the members or making an entry per member (thousands of seeds, every
    // second): a tick may stop or put to sleep other swarms (or itself), which a Set's iteration
    // then skips; one started or woken meanwhile waits for the next round.
    for (const member of awake) if (member.joined < round) member.tick();
  }, periodMs);
  // Like the per-torrent timers were: ticking alone keeps no process alive.
  timer.unref();
  const clock: Clock = { timer, awake, members: 0, due, round: 0 };
  clocks.set(periodMs, clock);
  return clock;
}

function wakeUp(clock: Clock, member: Member, joined: number): void {
  member.state = 'awake';
  member.joined = joined;
  clock.awake.add(member);
}

function unschedule(clock: Clock, member: Member): void {
  if (member.dueRound === undefined) return;
  const due = clock.due.get(member.dueRound);
  due?.delete(member);
  if (due?.size === 0) clock.due.delete(member.dueRound);
  member.dueRound = undefined;
}
