import { describe, expect, it } from 'vitest';
import { outsideAsar } from './asar-path';

describe('outsideAsar', () => {
  it('points into app.asar.unpacked on every platform', () => {
    expect(outsideAsar('/opt/Shoal/resources/app.asar/dist/engine-worker.js')).toBe(
      '/opt/Shoal/resources/app.asar.unpacked/dist/engine-worker.js',
    );
    expect(outsideAsar('C:\\Shoal\\resources\\app.asar\\dist\\engine-worker.js')).toBe(
      'C:\\Shoal\\resources\\app.asar.unpacked\\dist\\engine-worker.js',
    );
  });

  it('leaves unpackaged and already unpacked paths alone', () => {
    expect(outsideAsar('/work/main/dist/engine-worker.js')).toBe('/work/main/dist/engine-worker.js');
    expect(outsideAsar('/r/app.asar.unpacked/dist/w.js')).toBe('/r/app.asar.unpacked/dist/w.js');
  });
});
