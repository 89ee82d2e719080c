import { describe, expect, it } from 'vitest';
import type { TrackerStatus } from './announcer';
import { trackerProblem } from './tracker-watch';

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
