import { describe, expect, it } from 'vitest';
import { changedSettings, checkSettingsChange, initialSettings } from './session-settings';

describe('session settings', () => {
  it('start from the folder and port given, with the default limits', () => {
    const s = initialSettings({ downloadDir: '/tmp/dl/../downloads' });
    expect(s).toMatchObject({ downloadDir: '/tmp/downloads', listenPort: 6881, maxConnectionsPerTorrent: 40, theme: 'system' });
    expect(s.announceInterval).toBeUndefined();
  });

  it('apply a change over the others; a null announce interval goes back to following the trackers', () => {
    const s = initialSettings({ downloadDir: '/downloads', listenPort: 7000 });
    const every60 = changedSettings(s, { announceInterval: 60, theme: 'dark' });
    expect(every60).toMatchObject({ announceInterval: 60, theme: 'dark', listenPort: 7000 });
    expect(changedSettings(every60, { listenPort: 7001 })).toMatchObject({ announceInterval: 60, listenPort: 7001 });
    expect('announceInterval' in changedSettings(every60, { announceInterval: null })).toBe(false);
    expect(s.theme).toBe('system'); // the old settings stay as they were
  });

  it('refuse a download folder that is not absolute, and a DHT node that is not HOST:PORT', () => {
    expect(() => checkSettingsChange({ downloadDir: 'relative/dir' })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => checkSettingsChange({ dhtBootstrap: ['router.example:6881', 'no-port'] })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => checkSettingsChange({ downloadDir: '/absolute', dhtBootstrap: ['[::1]:6881'] })).not.toThrow();
  });
});
