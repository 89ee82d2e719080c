// Test support: network namespaces of the test's own, so LSD's multicast stays inside them (never
// on a real interface). Two namespaces joined by a veth pair on 10.77.x.0/24, each with a route for
// 239.0.0.0/8 on its end: libtorrent takes LSD announces only from LAN addresses, never loopback's.
// Needs root.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NetNamespace {
  readonly name: string;
  /** This side's address on the pair. */
  readonly address: string;
  /** `command args` run inside the namespace, as arguments for `startProcess('ip', …)`. */
  exec(command: string, args: readonly string[]): string[];
}

export interface NamespacePair {
  readonly a: NetNamespace;
  readonly b: NetNamespace;
  remove(): Promise<void>;
}

export async function makeNamespacePair(label: string): Promise<NamespacePair> {
  const base = `sh-${label}-${process.pid % 100_000}`;
  const subnet = `10.77.${process.pid % 250}`;
  const sides = [
    { name: `${base}-a`, veth: `${label}${process.pid % 100_000}a`, address: `${subnet}.1` },
    { name: `${base}-b`, veth: `${label}${process.pid % 100_000}b`, address: `${subnet}.2` },
  ] as const;
  const remove = async (): Promise<void> => {
    for (const s of sides) await run('ip', ['netns', 'del', s.name]).catch(() => undefined);
  };
  try {
    for (const s of sides) await run('ip', ['netns', 'add', s.name]);
    // Made inside the first namespace, so no end of it ever appears among the host's interfaces.
    await run('ip', ['-n', sides[0].name, 'link', 'add', sides[0].veth, 'type', 'veth', 'peer', 'name', sides[1].veth, 'netns', sides[1].name]);
    for (const s of sides) {
      await run('ip', ['-n', s.name, 'link', 'set', 'lo', 'up']);
      await run('ip', ['-n', s.name, 'addr', 'add', `${s.address}/24`, 'dev', s.veth]);
      await run('ip', ['-n', s.name, 'link', 'set', s.veth, 'up', 'multicast', 'on']);
      await run('ip', ['-n', s.name, 'route', 'add', '239.0.0.0/8', 'dev', s.veth]);
    }
  } catch (err) {
    await remove();
    throw err;
  }
  const side = (s: (typeof sides)[number]): NetNamespace => ({
    name: s.name,
    address: s.address,
    exec: (command, args) => ['netns', 'exec', s.name, command, ...args],
  });
  return { a: side(sides[0]), b: side(sides[1]), remove };
}
