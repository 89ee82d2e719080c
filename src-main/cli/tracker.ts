import { setFlagsFromString } from 'node:v8';
import { ShoalError } from '../../src-shared/errors';
import type { Command } from './command';
import { parseCliArgs } from './parse-cli-args';
import { parseHostPort } from '../engine/net/peer-address';
import { loadAllowList } from '../tracker-server/allow-list';
import { startTrackerServer, type Endpoint } from '../tracker-server/tracker-server';

/** The documented default: HTTP (TCP) and UDP both on 127.0.0.1:6969, the customary tracker port. */
export const defaultTrackerPort = 6969;

const help = `usage: shoal tracker [--http HOST:PORT] [--udp HOST:PORT] [--interval SECONDS] [--allow FILE]

Runs a BitTorrent tracker (HTTP /announce, /scrape and a status page at /; UDP per BEP 15)
until interrupted (Ctrl-C or SIGTERM).

  --http HOST:PORT     HTTP address (default 127.0.0.1:${defaultTrackerPort}; "off" disables HTTP)
  --udp HOST:PORT      UDP address (default 127.0.0.1:${defaultTrackerPort}; "off" disables UDP)
  --interval SECONDS   announce interval told to clients (default 1800)
  --allow FILE         only track the info-hashes listed in FILE (40 hex digits a line)`;

/** Parses "HOST:PORT" or "[IPV6]:PORT" to listen on, port 0 for any free one; "off" gives null. */
export function parseEndpoint(text: string, option: string): Endpoint | null {
  if (text === 'off') return null;
  const endpoint = parseHostPort(text, { portZero: true });
  if (!endpoint) throw new ShoalError('invalid-input', `${option} must be HOST:PORT with a port from 0 to 65535, not "${text}".`);
  return endpoint;
}

function parseInterval(text: string): number {
  const value = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1)) throw new ShoalError('invalid-input', `--interval must be a whole number of seconds, at least 1, not "${text}".`);
  return value;
}

export const command: Command = {
  async run(argv) {
    const { values } = parseCliArgs(
      'tracker',
      argv,
      { http: { type: 'string' }, udp: { type: 'string' }, interval: { type: 'string' }, allow: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      false,
    );
    if (values.help) {
      console.log(help);
      return 0;
    }
    const http = parseEndpoint(values.http ?? `127.0.0.1:${defaultTrackerPort}`, '--http');
    const udp = parseEndpoint(values.udp ?? `127.0.0.1:${defaultTrackerPort}`, '--udp');
    if (!http && !udp) throw new ShoalError('invalid-input', 'At least one of --http and --udp must be on.');
    const interval = values.interval === undefined ? undefined : parseInterval(values.interval);
    const allow = values.allow === undefined ? undefined : await loadAllowList(values.allow);

    // A tracker's garbage is short-lived (a datagram, a request): V8's young generation need not
    // grow from 1 MiB to 16 MiB a half under load, which alone would double the private memory.
    // The flag is read when the young generation would grow, so setting it now still holds.
    setFlagsFromString('--semi-space-growth-factor=1');
    const server = await startTrackerServer({ http, udp, ...(interval ? { interval } : {}), ...(allow ? { allow } : {}) });
    const show = (host: string) => (host.includes(':') ? `[${host}]` : host);
    if (http) console.log(`tracker: http://${show(http.host)}:${server.httpPort}/announce`);
    if (udp) console.log(`tracker: udp://${show(udp.host)}:${server.udpPort}/announce`);
    if (allow) console.log(`tracker: ${allow.size} torrents allowed`);

    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};
