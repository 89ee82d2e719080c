import { describe, expect, it } from 'vitest';
import { engineTuning, parseFileList } from './transfer-options';

describe('parseFileList', () => {
  it("turns 'shoal info' numbers into contract indexes, once each", () => {
    expect(parseFileList('--skip', '2,3')).toEqual([1, 2]);
    expect(parseFileList('--skip', '3, 1,3')).toEqual([2, 0]);
    expect(parseFileList('--skip', undefined)).toBeUndefined();
  });

  it.each(['', '0', '1,,2', 'a', '-1', '1.5', '2-3'])('rejects %j with one sentence', (text) => {
    expect(() => parseFileList('--skip', text)).toThrow(/^--skip takes file numbers as 'shoal info' prints them/);
  });
});

describe('engineTuning', () => {
  it('turns --seed-ratio and --seed-time into share limits that pause at the first reached', () => {
    expect(engineTuning({ 'seed-ratio': '1', 'seed-time': '0.25' }).shareLimits).toEqual({
      ratio: 1,
      seedingTimeMinutes: 0.25,
      inactiveSeedingTimeMinutes: null,
      match: 'any',
      action: 'pause',
    });
    expect(engineTuning({ 'seed-time': '2' }).shareLimits).toMatchObject({ ratio: null, seedingTimeMinutes: 2 });
  });

  it('sets no share limits without those options', () => {
    expect(engineTuning({ port: '6881' })).toEqual({ listenPort: 6881 });
  });

  it('refuses values that are not positive numbers, or too large, in one sentence', () => {
    expect(() => engineTuning({ 'seed-ratio': '-1' })).toThrow('--seed-ratio must be a positive number, not "-1"');
    expect(() => engineTuning({ 'seed-time': 'soon' })).toThrow('--seed-time must be a positive number, not "soon"');
    expect(() => engineTuning({ 'seed-time': '0' })).toThrow('--seed-time must be a positive number, not "0"');
    expect(() => engineTuning({ 'seed-ratio': '2000000' })).toThrow('--seed-ratio must be at most 1000000, not "2000000"');
  });
});

describe('engineTuning speed limits', () => {
  it('asks for no limits when neither option is given, and no limit for the one left out', () => {
    expect(engineTuning({}).speedLimit).toBeUndefined();
    expect(engineTuning({ 'download-limit': '1MiB' }).speedLimit).toEqual({ down: 1024 * 1024, up: 0 });
    expect(engineTuning({ 'upload-limit': '512K' }).speedLimit).toEqual({ down: 0, up: 512 * 1024 });
  });

  it('names the option whose value is bad', () => {
    expect(() => engineTuning({ 'download-limit': '1M', 'upload-limit': 'lots' })).toThrow(/^--upload-limit must be a speed/);
  });
});

describe('engineTuning discovery options', () => {
  it('turns --no-dht and --dht-bootstrap into the DHT settings, and asks for none without them', () => {
    expect(engineTuning({}).discovery).toBeUndefined();
    expect(engineTuning({ 'no-dht': true }).discovery).toEqual({ dht: false });
    expect(engineTuning({ 'dht-bootstrap': '127.0.0.1:6881, [::1]:7000,router.example:1' }).discovery).toEqual({
      dht: true,
      dhtBootstrap: ['127.0.0.1:6881', '[::1]:7000', 'router.example:1'],
    });
  });

  it('turns --no-pex and --no-lsd into the pex and lsd settings', () => {
    expect(engineTuning({ 'no-pex': true }).discovery).toEqual({ pex: false });
    expect(engineTuning({ 'no-lsd': true, 'no-dht': true }).discovery).toEqual({ dht: false, lsd: false });
  });

  it('turns --no-utp and --transports into the utp and tcp settings', () => {
    expect(engineTuning({ 'no-utp': true }).discovery).toEqual({ utp: false });
    expect(engineTuning({ transports: 'utp' }).discovery).toEqual({ tcp: false, utp: true });
    expect(engineTuning({ transports: 'TCP, utp' }).discovery).toEqual({ tcp: true, utp: true });
    expect(engineTuning({ transports: 'tcp', 'no-utp': true }).discovery).toEqual({ tcp: true, utp: false });
    expect(() => engineTuning({ transports: 'quic' })).toThrow(/--transports is tcp, utp or tcp,utp, not "quic"/);
    expect(() => engineTuning({ transports: 'utp', 'no-utp': true })).toThrow(/contradict/);
  });

  it('refuses a bad node and a contradiction in one sentence', () => {
    expect(() => engineTuning({ 'dht-bootstrap': '127.0.0.1' })).toThrow(/a DHT node is HOST:PORT .*not "127.0.0.1"/);
    expect(() => engineTuning({ 'dht-bootstrap': '127.0.0.1:1', 'no-dht': true })).toThrow(/contradict/);
  });
});

describe('engineTuning encryption option', () => {
  it('passes each --encryption mode on as the setting, and none without it', () => {
    expect(engineTuning({}).encryption).toBeUndefined();
    for (const mode of ['prefer', 'require', 'off'] as const) expect(engineTuning({ encryption: mode }).encryption).toBe(mode);
  });

  it('refuses another word, naming the three', () => {
    expect(() => engineTuning({ encryption: 'forced' })).toThrow(/^--encryption is prefer, require or off, not "forced"$/);
  });
});

describe('engineTuning port forwarding', () => {
  it('maps the port only when --port-forwarding is given', () => {
    expect(engineTuning({}).portForwarding).toBeUndefined();
    expect(engineTuning({ 'port-forwarding': true }).portForwarding).toBe(true);
  });
});
