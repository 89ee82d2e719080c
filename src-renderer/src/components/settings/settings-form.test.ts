import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../testing/render-app';
import { Problems, rateText } from './form-parse';
import { changedSettings, parseSettingsDraft, settingsDraft } from './settings-form';

describe('rates as typed', () => {
  it('reads KiB/s and MiB/s, decimals included, and empty or 0 as no limit', () => {
    const p = new Problems();
    expect(p.rate('r', { amount: '1.5', unit: 'MiB' }, 'Rate')).toBe(1_572_864);
    expect(p.rate('r', { amount: ' 200 ', unit: 'KiB' }, 'Rate')).toBe(204_800);
    expect(p.rate('r', { amount: '', unit: 'MiB' }, 'Rate')).toBe(0);
    expect(p.rate('r', { amount: '0', unit: 'KiB' }, 'Rate')).toBe(0);
    expect(p.ok).toBe(true);
  });

  it('refuses negative, non-numeric and too large rates with a sentence', () => {
    for (const amount of ['-1', 'fast', '1e3', '2000000']) {
      const p = new Problems();
      p.rate('r', { amount, unit: 'MiB' }, 'Download limit');
      expect(p.errors.r, amount).toMatch(/^Download limit must be a number of MiB\/s/);
    }
  });

  it('shows whole MiB/s in MiB and the rest in KiB', () => {
    expect(rateText(0)).toEqual({ amount: '', unit: 'KiB' });
    expect(rateText(3 * 1024 * 1024)).toEqual({ amount: '3', unit: 'MiB' });
    expect(rateText(1536)).toEqual({ amount: '1.5', unit: 'KiB' });
  });
});

describe('the settings form', () => {
  it('gives back the same settings it was made from, so nothing changes', () => {
    const parsed = parseSettingsDraft(settingsDraft(defaultSettings));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(changedSettings(defaultSettings, parsed.settings)).toEqual({});
  });

  it('keeps only what changed, whole', () => {
    const draft = settingsDraft(defaultSettings);
    draft.speed.down = { amount: '2', unit: 'MiB' };
    draft.schedule = { ...draft.schedule, days: [6, 0], from: '23:30', to: '06:00' };
    const parsed = parseSettingsDraft(draft);
    expect(parsed.ok && changedSettings(defaultSettings, parsed.settings)).toEqual({
      speedLimit: { down: 2 * 1024 * 1024, up: 0 },
      altSpeedSchedule: { enabled: false, days: [0, 6], fromMinute: 23 * 60 + 30, toMinute: 6 * 60 },
    });
  });

  it('collects every problem under its field', () => {
    const draft = settingsDraft(defaultSettings);
    draft.downloadDir = 'Downloads';
    draft.listenPort = '70000';
    draft.maxConnections = '0';
    draft.share.ratio = '-2';
    draft.queue.stalledMinutes = '1.5';
    draft.schedule = { enabled: true, days: [], from: '25:00', to: '08:00' };
    const parsed = parseSettingsDraft(draft);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(['downloadDir', 'listenPort', 'maxConnections', 'queue.stalledMinutes', 'schedule.days', 'schedule.from', 'share.ratio']);
    expect(parsed.errors.listenPort).toBe('Listening port must be a whole number from 0 to 65,535.');
  });

  it('sizes the read cache in whole MiB, one budget for all torrents, 0 for none', () => {
    const draft = { ...settingsDraft(defaultSettings), readCache: '256' };
    const parsed = parseSettingsDraft(draft);
    expect(parsed.ok && changedSettings(defaultSettings, parsed.settings)).toEqual({ readCacheMiB: 256 });
    const off = parseSettingsDraft({ ...draft, readCache: '0' });
    expect(off.ok && changedSettings(defaultSettings, off.settings)).toEqual({ readCacheMiB: 0 });
    for (const bad of ['-1', '1.5', 'lots', '20000']) {
      const refused = parseSettingsDraft({ ...draft, readCache: bad });
      expect(refused.ok ? {} : refused.errors, bad).toEqual({ readCache: 'Read cache must be a whole number from 0 to 16,384.' });
    }
  });

  it('refuses a schedule that ends when it starts', () => {
    const draft = settingsDraft(defaultSettings);
    draft.schedule = { enabled: true, days: [1], from: '08:00', to: '08:00' };
    const parsed = parseSettingsDraft(draft);
    expect(parsed.ok ? null : parsed.errors['schedule.to']).toMatch(/another time/);
  });
});

describe('the watch and incomplete-downloads folders', () => {
  it('saves full paths, empty as none, and what to do with added files', () => {
    const draft = { ...settingsDraft(defaultSettings), watchDir: ' /srv/watch ', incompleteDir: '/srv/incomplete', watchAfterAdd: 'delete' as const };
    const parsed = parseSettingsDraft(draft);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(changedSettings(defaultSettings, parsed.settings)).toEqual({ watchDir: '/srv/watch', incompleteDir: '/srv/incomplete', watchAfterAdd: 'delete' });
    const cleared = parseSettingsDraft({ ...settingsDraft({ ...defaultSettings, watchDir: '/srv/watch' }), watchDir: '' });
    if (cleared.ok) expect(changedSettings({ ...defaultSettings, watchDir: '/srv/watch' }, cleared.settings)).toEqual({ watchDir: null });
    else expect.unreachable('an empty watch folder is allowed');
  });

  it('refuses a relative path and the same folder for both, with sentences', () => {
    const relative = parseSettingsDraft({ ...settingsDraft(defaultSettings), watchDir: 'torrents' });
    expect(relative.ok ? {} : relative.errors).toEqual({ watchDir: expect.stringMatching(/^Watch folder must be a full path/) });
    const same = parseSettingsDraft({ ...settingsDraft(defaultSettings), watchDir: '/srv/x', incompleteDir: '/srv/x' });
    expect(same.ok ? {} : same.errors).toEqual({ incompleteDir: 'The incomplete-downloads folder must differ from the watch folder.' });
  });
});
