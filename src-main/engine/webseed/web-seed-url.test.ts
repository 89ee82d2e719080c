import { describe, expect, it } from 'vitest';
import { webSeedBase, webSeedFileUrl } from './web-seed-url';

const file = (path: string[], offset = 0) => ({ path, length: 1, offset, pad: false });

describe('webSeedFileUrl (BEP 19)', () => {
  it('a single-file torrent is the URL itself', () => {
    const m = { name: 'x.iso', multiFile: false, files: [file(['x.iso'])] };
    expect(webSeedFileUrl(webSeedBase('http://h/pub/other-name.iso?k=1'), m, 0).href).toBe('http://h/pub/other-name.iso?k=1');
  });

  it('a single-file torrent whose URL ends with / gets the name appended', () => {
    const m = { name: 'my file.iso', multiFile: false, files: [file(['my file.iso'])] };
    expect(webSeedFileUrl(webSeedBase('https://h/pub/'), m, 0).href).toBe('https://h/pub/my%20file.iso');
  });

  it('a multi-file torrent is URL + name + path, each segment percent-encoded on its own', () => {
    const m = { name: 'top #1', multiFile: true, files: [file(['a']), file(['dir?', 'ü/x.bin'], 1)] };
    expect(webSeedFileUrl(webSeedBase('http://h/seed'), m, 1).href).toBe('http://h/seed/top%20%231/dir%3F/%C3%BC%2Fx.bin');
    expect(webSeedFileUrl(webSeedBase('http://h/seed/'), m, 0).href).toBe('http://h/seed/top%20%231/a');
  });

  it('refuses anything but http and https, and non-URLs, with a sentence', () => {
    expect(() => webSeedBase('file:///etc/passwd')).toThrow('the web seed "file:///etc/passwd" is not http or https');
    expect(() => webSeedBase('ftp://h/x')).toThrow(/not http or https/);
    expect(() => webSeedBase('not a url')).toThrow('the web seed "not a url" is not a URL');
  });
});
