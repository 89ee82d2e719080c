import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { everyTick } from './swarm-clock';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('everyTick', () => {
  it('ticks every member on one timer per period, and drops the timer with its last member', () => {
    const calls: string[] = [];
    const stopA = everyTick(1000, () => calls.push('a')).stop;
    const stopB = everyTick(1000, () => calls.push('b')).stop;
    const stopC = everyTick(500, () => calls.push('c')).stop;
    expect(vi.getTimerCount()).toBe(2);
    vi.advanceTimersByTime(1000);
    expect(calls.sort()).toEqual(['a', 'b', 'c', 'c']);
    stopA();
    stopA();
    expect(vi.getTimerCount()).toBe(2);
    calls.length = 0;
    vi.advanceTimersByTime(1000);
    expect(calls.sort()).toEqual(['b', 'c', 'c']);
    stopB();
    stopC();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not call a member that an earlier member stopped during the same tick', () => {
    const calls: string[] = [];
    let stopSecond = (): void => undefined;
    const stopFirst = everyTick(1000, () => {
      calls.push('first');
      stopSecond();
    }).stop;
    stopSecond = everyTick(1000, () => calls.push('second')).stop;
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['first']);
    stopFirst();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('calls a member started during a tick from the next tick on', () => {
    const calls: string[] = [];
    const stops: (() => void)[] = [];
    stops.push(
      everyTick(1000, () => {
        calls.push('first');
        if (stops.length === 1) stops.push(everyTick(1000, () => calls.push('late')).stop);
      }).stop,
    );
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['first']);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['first', 'first', 'late']);
    for (const stop of stops) stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not call a sleeping member until it is woken, then from the next tick on', () => {
    const calls: string[] = [];
    const idle = everyTick(1000, () => calls.push('idle'));
    const busy = everyTick(1000, () => calls.push('busy'));
    idle.sleep();
    vi.advanceTimersByTime(5000);
    expect(calls).toEqual(['busy', 'busy', 'busy', 'busy', 'busy']);
    calls.length = 0;
    idle.wake();
    idle.wake();
    vi.advanceTimersByTime(1000);
    expect(calls.sort()).toEqual(['busy', 'idle']);
    idle.stop();
    busy.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('wakes a member that asked for a time in the round of that time, not before', () => {
    const calls: number[] = [];
    const start = Date.now();
    const member = everyTick(1000, () => calls.push(Date.now() - start));
    member.sleep(start + 3000);
    vi.advanceTimersByTime(2999);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([3000]);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual([3000, 4000]);
    member.stop();
  });

  it('keeps the timer while only sleeping members remain, and drops a sleeper\'s wake-up when woken or stopped early', () => {
    const calls: string[] = [];
    const a = everyTick(1000, () => calls.push('a'));
    const b = everyTick(1000, () => calls.push('b'));
    a.sleep(Date.now() + 2000);
    b.sleep(Date.now() + 2000);
    expect(vi.getTimerCount()).toBe(1);
    a.wake();
    a.sleep();
    b.stop();
    vi.advanceTimersByTime(5000);
    expect(calls).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    a.stop();
    a.wake();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets a member put itself to sleep from its own tick', () => {
    let calls = 0;
    const member = everyTick(1000, () => {
      calls++;
      member.sleep(Date.now() + 10_000);
    });
    vi.advanceTimersByTime(9000);
    expect(calls).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(calls).toBe(2);
    member.stop();
  });
});
