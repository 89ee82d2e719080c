import { describe, expect, it } from 'vitest';
import type { AltSpeedSchedule } from '../../../src-shared/contract';
import { altSpeedScheduled } from './alt-speed-schedule';

/** 2026-03-02 is a Monday; local time, as the schedule is. */
function at(day: 'sun' | 'mon' | 'tue' | 'fri' | 'sat', hh: number, mm = 0): Date {
  const date = { sun: 1, mon: 2, tue: 3, fri: 6, sat: 7 }[day];
  return new Date(2026, 2, date, hh, mm);
}

const weekdays: AltSpeedSchedule = { enabled: true, days: [1, 2, 3, 4, 5], fromMinute: 8 * 60, toMinute: 20 * 60 };

describe('altSpeedScheduled', () => {
  it('is on inside a same-day window on a listed day, from the first minute to before the last', () => {
    expect(at('mon', 0).getDay()).toBe(1);
    expect(altSpeedScheduled(weekdays, at('mon', 7, 59))).toBe(false);
    expect(altSpeedScheduled(weekdays, at('mon', 8, 0))).toBe(true);
    expect(altSpeedScheduled(weekdays, at('tue', 19, 59))).toBe(true);
    expect(altSpeedScheduled(weekdays, at('tue', 20, 0))).toBe(false);
    expect(altSpeedScheduled(weekdays, at('sat', 12))).toBe(false);
    expect(altSpeedScheduled(weekdays, at('sun', 12))).toBe(false);
  });

  it('is off whatever the time when the schedule is disabled', () => {
    expect(altSpeedScheduled({ ...weekdays, enabled: false }, at('mon', 12))).toBe(false);
  });

  it('runs a window past midnight into the next day, which need not be listed', () => {
    const fridayNight: AltSpeedSchedule = { enabled: true, days: [5], fromMinute: 22 * 60, toMinute: 6 * 60 };
    expect(altSpeedScheduled(fridayNight, at('fri', 21, 59))).toBe(false);
    expect(altSpeedScheduled(fridayNight, at('fri', 22, 0))).toBe(true);
    expect(altSpeedScheduled(fridayNight, at('fri', 23, 59))).toBe(true);
    expect(altSpeedScheduled(fridayNight, at('sat', 0, 0))).toBe(true);
    expect(altSpeedScheduled(fridayNight, at('sat', 5, 59))).toBe(true);
    expect(altSpeedScheduled(fridayNight, at('sat', 6, 0))).toBe(false);
    expect(altSpeedScheduled(fridayNight, at('sat', 22, 30))).toBe(false);
    // Friday's early hours belong to Thursday's window, which is not listed.
    expect(altSpeedScheduled(fridayNight, at('fri', 3))).toBe(false);
  });

  it('wraps from Saturday into Sunday', () => {
    const saturdayNight: AltSpeedSchedule = { enabled: true, days: [6], fromMinute: 23 * 60, toMinute: 60 };
    expect(altSpeedScheduled(saturdayNight, at('sun', 0, 30))).toBe(true);
    expect(altSpeedScheduled(saturdayNight, at('sun', 1, 0))).toBe(false);
  });

  it('takes equal ends as a whole day from that minute', () => {
    const allMonday: AltSpeedSchedule = { enabled: true, days: [1], fromMinute: 0, toMinute: 0 };
    expect(altSpeedScheduled(allMonday, at('mon', 0))).toBe(true);
    expect(altSpeedScheduled(allMonday, at('mon', 23, 59))).toBe(true);
    expect(altSpeedScheduled(allMonday, at('tue', 0))).toBe(false);
    expect(altSpeedScheduled(allMonday, at('sun', 23, 59))).toBe(false);
  });

  it('is never on with no days listed', () => {
    expect(altSpeedScheduled({ ...weekdays, days: [] }, at('mon', 12))).toBe(false);
  });
});
