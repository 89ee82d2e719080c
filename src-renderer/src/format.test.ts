import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatEta, formatPeerCount, formatPercent, formatRate, formatRatio, formatRelative } from './format';

describe('formatBytes', () => {
  it('keeps small values in bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
  });
  it('uses binary units with three significant digits', () => {
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(12.34 * 1024 ** 2)).toBe('12.3 MiB');
    expect(formatBytes(123.4 * 1024 ** 3)).toBe('123 GiB');
    expect(formatBytes(2 * 1024 ** 4)).toBe('2.00 TiB');
  });
  it('refuses nonsense', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('formatRate', () => {
  it('is empty when idle and per-second otherwise', () => {
    expect(formatRate(0)).toBe('');
    expect(formatRate(2048)).toBe('2.00 KiB/s');
  });
});

describe('formatEta', () => {
  it('picks the two largest units', () => {
    expect(formatEta(45)).toBe('45s');
    expect(formatEta(12 * 60 + 5)).toBe('12m 5s');
    expect(formatEta(3 * 3600 + 20 * 60 + 59)).toBe('3h 20m');
    expect(formatEta(2 * 86400 + 4 * 3600)).toBe('2d 4h');
  });
  it('shows unknown and absurd times as infinity', () => {
    expect(formatEta(null)).toBe('∞');
    expect(formatEta(400 * 86400)).toBe('∞');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('∞');
  });
});

describe('formatPercent', () => {
  it('never shows an unfinished torrent as done', () => {
    expect(formatPercent(0.9999)).toBe('99.9%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(0)).toBe('0.0%');
  });
  it('clamps out-of-range values', () => {
    expect(formatPercent(1.5)).toBe('100%');
    expect(formatPercent(-0.2)).toBe('0.0%');
  });
});

describe('small formatters', () => {
  it('formats ratio, peer counts and relative times', () => {
    expect(formatRatio(1.234)).toBe('1.23');
    expect(formatRatio(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatPeerCount(3, 120)).toBe('3 (120)');
    expect(formatPeerCount(3, null)).toBe('3');
    expect(formatRelative(10_000 + 90_000, 10_000)).toBe('in 1m 30s');
    expect(formatRelative(10_000, 70_000)).toBe('1m 0s ago');
    expect(formatRelative(null, 0)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('counts time spent without the ETA’s one-year cap', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(725)).toBe('12m 5s');
    expect(formatDuration(3 * 86_400 + 4 * 3600 + 59)).toBe('3d 4h');
    expect(formatDuration(400 * 86_400)).toBe('400d 0h');
    expect(formatDuration(-1)).toBe('—');
  });
});
