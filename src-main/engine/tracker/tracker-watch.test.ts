import { describe, expect, it } from 'vitest';
import type { TrackerStatus } from './announcer';
import { TrackerWatch, trackerProblem } from './tracker-watch';

const status = (url: string, state: TrackerStatus['state'], message?: string): TrackerStatus => ({ url, tier: 0, state, ...(message ? { message } : {}) });

describe('trackerProblem', () => {
  it('is the first failure while no tracker works', () => {
    expect(trackerProblem([status('a', 'not contacted'), status('b', 'error', 'b is down'), status('c', 'error', 'c is down')])).toBe('b is down');
  });

  it('is null once one tracker works, or when none failed', () => {
    expect(trackerProblem([status('a', 'error', 'a is down'), status('b', 'working')])).toBeNull();
    expect(trackerProblem([status('a', 'announcing'), status('b', 'not contacted')])).toBeNull();
    expect(trackerProblem([])).toBeNull();
  });
});

describe('TrackerWatch', () => {
  it('tells once that no tracker works, through every failed retry, and again only after one answered', () => {
    const told: string[] = [];
    const watch = new TrackerWatch({ changed: () => undefined, log: () => undefined, failing: (problem) => told.push(problem) });
    const round = (...statuses: TrackerStatus[]) => watch.update({ health: () => undefined, statuses: () => statuses });
    round(status('a', 'announcing'), status('b', 'not contacted'));
    expect(told).toEqual([]);
    round(status('a', 'error', 'a is down'), status('b', 'not contacted'));
    round(status('a', 'announcing'), status('b', 'error', 'b is down'));
    round(status('a', 'error', 'a is down'), status('b', 'error', 'b is down'));
    expect(told).toEqual(['a is down']);
    round(status('a', 'working'), status('b', 'error', 'b is down'));
    round(status('a', 'error', 'a timed out'), status('b', 'error', 'b is down'));
    expect(told).toEqual(['a is down', 'a timed out']);
  });
});
