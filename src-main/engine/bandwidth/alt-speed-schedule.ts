import type { AltSpeedSchedule } from '../../../src-shared/contract';

/**
 * Whether the schedule switches the alternative limits on at `at` (local time). Each listed day
 * has one window starting at `fromMinute`; when `toMinute` is earlier the window runs past
 * midnight into the next day (Friday 22:00–06:00 still holds at 03:00 on Saturday, listed or
 * not). `toMinute` equal to `fromMinute` is a whole day from that minute.
 */
export function altSpeedScheduled(schedule: AltSpeedSchedule, at: Date): boolean {
  if (!schedule.enabled) return false;
  const day = at.getDay();
  const minute = at.getHours() * 60 + at.getMinutes();
  const { fromMinute: from, toMinute: to } = schedule;
  if (from < to) return schedule.days.includes(day) && minute >= from && minute < to;
  const yesterday = (day + 6) % 7;
  return (schedule.days.includes(day) && minute >= from) || (schedule.days.includes(yesterday) && minute < to);
}
