/**
 * Text the user typed into a form, checked and turned into contract values. Every problem is one
 * sentence kept under the field's key, so a form can show it beside the field and refuse to save.
 */

export const rateUnits = { KiB: 1024, MiB: 1024 * 1024 } as const;
export type RateUnit = keyof typeof rateUnits;

/** A rate as typed: an amount and its unit; empty or 0 means no limit. */
export interface RateText {
  amount: string;
  unit: RateUnit;
}

/** The contract's largest rate (bytes/s). */
const maxRate = 2 ** 40;

/** Bytes/s shown in the unit that reads best: whole MiB/s as MiB, the rest as KiB (0 as empty). */
export function rateText(bytesPerSecond: number): RateText {
  if (bytesPerSecond <= 0) return { amount: '', unit: 'KiB' };
  if (bytesPerSecond % rateUnits.MiB === 0) return { amount: String(bytesPerSecond / rateUnits.MiB), unit: 'MiB' };
  return { amount: String(Math.round((bytesPerSecond / rateUnits.KiB) * 100) / 100), unit: 'KiB' };
}

/** "HH:MM" of a minute of the day. */
export function timeText(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** An empty optional value shows as empty. */
export function optionalText(value: number | null): string {
  return value === null ? '' : String(value);
}

const decimal = /^\d+(\.\d+)?$/;
const integer = /^\d+$/;

export class Problems {
  readonly errors: Record<string, string> = {};

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  add(field: string, message: string): void {
    this.errors[field] ??= message;
  }

  /** A whole number in [min, max]. */
  integer(field: string, text: string, min: number, max: number, label: string): number {
    const t = text.trim();
    const n = Number(t);
    if (!integer.test(t) || n < min || n > max) {
      this.add(field, `${label} must be a whole number from ${min.toLocaleString()} to ${max.toLocaleString()}.`);
      return min;
    }
    return n;
  }

  /** Empty for none, else a whole number in [0, max]. */
  optionalInteger(field: string, text: string, max: number, label: string): number | null {
    return text.trim() === '' ? null : this.integer(field, text, 0, max, label);
  }

  /** Empty for none, else a number (decimals allowed) in [0, max]. */
  optionalDecimal(field: string, text: string, max: number, label: string): number | null {
    const t = text.trim();
    if (t === '') return null;
    const n = Number(t);
    if (!decimal.test(t) || n > max) {
      this.add(field, `${label} must be a number from 0 to ${max.toLocaleString()}, or empty for none.`);
      return null;
    }
    return n;
  }

  /** Bytes/s; empty or 0 is no limit. */
  rate(field: string, rate: RateText, label: string): number {
    const t = rate.amount.trim();
    if (t === '') return 0;
    const bytes = Math.round(Number(t) * rateUnits[rate.unit]);
    if (!decimal.test(t) || bytes > maxRate) {
      this.add(field, `${label} must be a number of ${rate.unit}/s up to ${(maxRate / rateUnits[rate.unit]).toLocaleString()}, or empty for no limit.`);
      return 0;
    }
    return bytes;
  }

  /** Minute of the day from "HH:MM". */
  time(field: string, text: string, label: string): number {
    const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
    const hours = Number(m?.[1]);
    const minutes = Number(m?.[2]);
    if (!m || hours > 23 || minutes > 59) {
      this.add(field, `${label} must be a time of day such as 08:00.`);
      return 0;
    }
    return hours * 60 + minutes;
  }
}
