import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomId } from './node-id';
import { loadDhtState, saveDhtState } from './saved-nodes';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('saved DHT nodes', () => {
  it('round-trips our id and the nodes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dht-state-'));
    const id = randomId();
    const nodes = [{ id: randomId(), host: '1.2.3.4', port: 6881 }, { id: randomId(), host: '2001:db8::1', port: 1 }];
    await saveDhtState(dir, { id, nodes });
    expect(await loadDhtState(dir)).toEqual({ id, nodes });
  });

  it('starts empty without a file, and skips what is damaged, saying so', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dht-state-'));
    expect(await loadDhtState(dir)).toEqual({ nodes: [] });
    const good = { id: randomId().toString('hex'), host: '1.2.3.4', port: 5 };
    await writeFile(join(dir, 'dht-nodes.json'), JSON.stringify({ id: 'xyz', nodes: [good, { id: 'short', host: '1.2.3.4', port: 5 }, { ...good, host: 'name.example' }, { ...good, port: 0 }, null] }));
    const loaded = await loadDhtState(dir);
    expect(loaded.id).toBeUndefined();
    expect(loaded.nodes.map((n) => n.id.toString('hex'))).toEqual([good.id]);
    const log: string[] = [];
    await writeFile(join(dir, 'dht-nodes.json'), '{not json');
    expect(await loadDhtState(dir, (line) => log.push(line))).toEqual({ nodes: [] });
    expect(log[0]).toMatch(/unreadable/);
  });
});
