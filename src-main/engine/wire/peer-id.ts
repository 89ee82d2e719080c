import { randomBytes } from 'node:crypto';

/** Azureus-style prefix: client "SH", version 0.1.0.0. */
export const PEER_ID_PREFIX = '-SH0100-';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A fresh 20-byte peer id: the prefix and 12 random printable characters. */
export function generatePeerId(): Uint8Array {
  const id = new Uint8Array(20);
  id.set(new TextEncoder().encode(PEER_ID_PREFIX));
  const random = randomBytes(12);
  // 256 % 62 leaves a slight bias; a peer id only has to be unlikely to collide.
  for (let i = 0; i < 12; i++) id[8 + i] = ALPHABET.charCodeAt(random[i]! % ALPHABET.length);
  return id;
}

const AZUREUS: Record<string, string> = {
  SH: 'Shoal',
  TR: 'Transmission',
  qB: 'qBittorrent',
  LT: 'libtorrent',
  lt: 'libTorrent (rakshasa)',
  UT: 'µTorrent',
  UM: 'µTorrent Mac',
  UW: 'µTorrent Web',
  BT: 'BitTorrent',
  DE: 'Deluge',
  WW: 'WebTorrent',
  WD: 'WebTorrent Desktop',
  AZ: 'Vuze',
  BI: 'BiglyBT',
  KT: 'KTorrent',
  FD: 'Free Download Manager',
  FX: 'Freebox',
  TL: 'Tribler',
  XL: 'Xunlei',
  BC: 'BitComet',
  PI: 'PicoTorrent',
  FW: 'FrostWire',
  HL: 'Halite',
  TX: 'Tixati',
};

const SHADOW: Record<string, string> = {
  A: 'ABC',
  O: 'Osprey Permaseed',
  Q: 'BTQueue',
  R: 'Tribler',
  S: 'Shadow',
  T: 'BitTornado',
  U: 'UPnP NAT Bit Torrent',
};

/** The client name and version a peer id announces, for display only (peers can lie). */
export function clientFromPeerId(peerId: Uint8Array): string {
  const s = String.fromCharCode(...peerId.subarray(0, 20));
  const az = /^-([A-Za-z~][A-Za-z0-9~])([0-9A-Za-z.]{4})-/.exec(s);
  if (az) {
    const name = AZUREUS[az[1]!];
    if (name) return `${name} ${azureusVersion(az[1]!, az[2]!)}`;
  }
  const aria2 = /^A2-(\d+)-(\d+)-(\d+)-/.exec(s);
  if (aria2) return `aria2 ${aria2[1]}.${aria2[2]}.${aria2[3]}`;
  const mainline = /^M(\d+)-(\d+)-(\d+)-/.exec(s);
  if (mainline) return `BitTorrent ${mainline[1]}.${mainline[2]}.${mainline[3]}`;
  const shadow = /^([A-Z])([0-9A-Za-z.-]{5})/.exec(s);
  if (shadow && SHADOW[shadow[1]!] && (s.slice(6, 9) === '---' || /^[0-9A-Za-z.]{3}-/.test(shadow[2]!))) {
    const digits = shadow[2]!.replace(/-+$/, '').split('').filter((c) => c !== '-' && c !== '.');
    return `${SHADOW[shadow[1]!]} ${digits.map(shadowDigit).join('.')}`;
  }
  const printable = s.slice(0, 8).replace(/[^\x20-\x7e]/g, '');
  return printable.length > 0 ? `unknown (${printable})` : 'unknown';
}

function azureusVersion(code: string, v: string): string {
  // Transmission 1.x–2.x used two digits for the minor ("-TR2940-" is 2.94).
  if (code === 'TR' && v[0] !== undefined && v[0] < '3') return `${v[0]}.${v.slice(1, 3)}`;
  // WebTorrent writes two decimal digits each for major and minor ("-WW0205-" is 2.5).
  if (code === 'WW' || code === 'WD') return `${Number(v.slice(0, 2))}.${Number(v.slice(2, 4))}`;
  const parts = [...v].map((c) => (/[0-9]/.test(c) ? c : /[A-Z]/.test(c) && code !== 'UT' ? String(c.charCodeAt(0) - 55) : ''));
  const nums = parts.filter((p) => p !== '');
  while (nums.length > 3 && nums[nums.length - 1] === '0') nums.pop();
  return nums.join('.');
}

function shadowDigit(c: string): string {
  if (/[0-9]/.test(c)) return c;
  if (/[A-Z]/.test(c)) return String(c.charCodeAt(0) - 55);
  return String(c.charCodeAt(0) - 61);
}
