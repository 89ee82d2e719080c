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
    const stopA = everyTick(1000, () => calls.push('a'));
    const stopB = everyTick(1000, () => calls.push('b'));
    const stopC = everyTick(500, () => calls.push('c'));
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
    });
    stopSecond = everyTick(1000, () => calls.push('second'));
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
        if (stops.length === 1) stops.push(everyTick(1000, () => calls.push('late')));
      }),
    );
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['first']);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['first', 'first', 'late']);
    for (const stop of stops) stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
