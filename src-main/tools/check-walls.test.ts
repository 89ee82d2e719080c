import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./check-walls.mjs', import.meta.url));

function runCheck(root?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...(root ? ['--root', root] : [])], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** A made-up tree: each import that must be refused sits on line 1 of its file. */
const tree: Record<string, string> = {
  // Refused.
  'src-renderer/src/components/Peek.tsx': "import { Session } from '../../../src-main/engine/session';\n",
  'src-renderer/src/api/reach.ts': "import { useStore } from '../store/store';\n",
  'src-shared/disk.ts': "import { readFile } from 'node:fs';\n",
  'src-shared/view.ts': "import { useState } from 'react';\n",
  'src-main/engine/shell.ts': "import { app } from 'electron';\n",
  'src-main/engine/menu.ts': "import { buildMenu } from '../app/menu';\n",
  'src-main/tracker-server/host.ts': "import { startEngineWorker } from '../host/engine-worker';\n",
  'src-main/cli/window.ts': "import type { Window } from '../app/menu';\n",
  'src-main/transport/late.ts': "export const load = () => import('../app/menu');\n",
  'src-main/host/supervise.ts': "import { buildMenu } from '../app/menu';\n",
  'src-main/cli/dialog.ts': "import { dialog } from 'electron';\n",
  'src-main/engine/fixture-user.ts': "import { fixture } from '../testing/fixture';\n",
  'src-main/serve/helper.ts': "import { fake } from '../host/testing/fake';\n",
  // Inside the engine: a folder below the torrent, below the tracker, and beside storage.
  'src-main/engine/persistence/record.ts': "import type { Torrent } from '../torrent';\n",
  'src-main/engine/metainfo/peers.ts': "import type { Announcer } from '../tracker/announcer';\n",
  'src-main/engine/wire/store.ts': "import { Storage } from '../storage/storage';\n",
  // The preload reaches zod through a local module: refused at the preload, with the chain.
  'src-main/app/preload.ts': "import type { Schema } from '../../src-shared/contract/schemas';\nimport { channel } from './channel';\n",
  'src-main/app/channel.ts': "import { schemas } from '../../src-shared/contract/schemas';\nexport const channel = schemas;\n",
  'src-main/tsconfig.json': '{ "compilerOptions": { "lib": ["ES2022", "DOM"] } }\n',
  // Allowed: each layer importing downward, tests importing test support, type-only preload imports.
  'src-shared/contract/schemas.ts': "import { z } from 'zod';\nexport const schemas = z.object({});\n",
  'src-main/app/menu.ts': "import { startEngineWorker } from '../host/engine-worker';\nexport const buildMenu = startEngineWorker;\n",
  'src-main/host/engine-worker.ts': "import { Session } from '../engine/session';\nimport { port } from '../transport/port';\n",
  'src-main/transport/port.ts': "import { replay } from '../host/replay';\nimport { schemas } from '../../src-shared/contract/schemas';\n",
  'src-main/host/replay.ts': 'export const replay = 1;\n',
  'src-main/engine/session.ts': "import { readFile } from 'node:fs/promises';\nimport { schemas } from '../../src-shared/contract/schemas';\n",
  'src-main/engine/session.test.ts': "import { fixture } from '../testing/fixture';\nimport { Session } from './session';\n",
  'src-main/testing/fixture.ts': "import { Session } from '../engine/session';\nexport const fixture = Session;\n",
  'src-main/host/testing/fake.ts': "import { replay } from '../replay';\nexport const fake = replay;\n",
  'src-main/cli/serve.ts': "import { startEngineWorker } from '../host/engine-worker';\nimport { helper } from '../serve/helper';\n",
  'src-main/engine/torrent.ts': "import { Swarm } from './swarm/swarm';\nimport { Announcer } from './tracker/announcer';\n",
  'src-main/engine/swarm/swarm.ts': "import { Storage } from '../storage/storage';\nimport { bencode } from '../bencode';\nexport const Swarm = bencode;\n",
  'src-main/engine/storage/storage.ts': "import type { Metainfo } from '../metainfo/metainfo';\nexport const Storage = 1;\n",
  'src-main/engine/storage/storage.test.ts': "import { Torrent } from '../torrent';\nimport { Storage } from './storage';\n",
  'src-main/engine/metainfo/metainfo.ts': "import { bencode } from '../bencode';\nexport type Metainfo = typeof bencode;\n",
  'src-main/engine/bencode/index.ts': 'export const bencode = 1;\n',
  'src-main/engine/tracker/announcer.ts': "import type { Metainfo } from '../metainfo/metainfo';\nexport const Announcer = 1;\n",
  'src-renderer/src/store/store.ts': "import type { Api } from '../api/contract';\nimport { create } from 'zustand';\n",
  'src-renderer/src/api/contract.ts': "export type * from '../../../src-shared/contract/schemas';\n",
  'src-renderer/bench/run-bench.mjs': "import { createServer } from 'node:http';\nimport { fake } from '../src/testing/fake-api';\n",
};

const refused = [
  'src-renderer/src/components/Peek.tsx:1',
  'src-renderer/src/api/reach.ts:1',
  'src-shared/disk.ts:1',
  'src-shared/view.ts:1',
  'src-main/engine/shell.ts:1',
  'src-main/engine/menu.ts:1',
  'src-main/tracker-server/host.ts:1',
  'src-main/cli/window.ts:1',
  'src-main/transport/late.ts:1',
  'src-main/host/supervise.ts:1',
  'src-main/cli/dialog.ts:1',
  'src-main/engine/fixture-user.ts:1',
  'src-main/serve/helper.ts:1',
  'src-main/engine/persistence/record.ts:1',
  'src-main/engine/metainfo/peers.ts:1',
  'src-main/engine/wire/store.ts:1',
  'src-main/app/preload.ts',
  'src-main/tsconfig.json',
];

const made: string[] = [];
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

async function writeTree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'shoal-walls-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

/** The files (with line, where the breach has one) named by the check's complaint lines. */
function namedFiles(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => /^\s+([^:\s]+(?::\d+)?):/.exec(line)![1]!);
}

describe('check-walls', { timeout: 60_000 }, () => {
  it('fails on each import across a wall, and names exactly those', async () => {
    const result = await runCheck(await writeTree(tree));
    expect(result.code).toBe(1);
    expect([...new Set(namedFiles(result.stderr))].sort()).toEqual([...refused].sort());
    expect(result.stderr).toContain('src-main/app/preload.ts -> src-main/app/channel.ts -> src-shared/contract/schemas.ts -> zod');
    expect(result.stderr).toContain("the engine never imports app/ ('../app/menu')");
    expect(result.stderr).toContain("production code never imports test support (testing/) ('../testing/fixture')");
    expect(result.stderr).toContain("upward arrow in the engine: persistence/ sits below the engine's own files ('../torrent')");
    expect(result.stderr).toContain("upward arrow in the engine: metainfo/ sits below tracker/ ('../tracker/announcer')");
    expect(result.stderr).toContain("sideways arrow in the engine: wire/ and storage/ share a layer and never import each other ('../storage/storage')");
  });

  it('passes the same tree once the wrong imports are gone', async () => {
    const allowed = Object.fromEntries(
      Object.entries(tree).filter(([path]) => !refused.some((r) => r.split(':')[0] === path) && path !== 'src-main/app/channel.ts'),
    );
    // A type-only import of the schemas vanishes from the bundle, so the preload may have it.
    allowed['src-main/tsconfig.json'] = '{ "compilerOptions": { "lib": ["ES2022"] } }\n';
    allowed['src-main/app/preload.ts'] = "import type { Schema } from '../../src-shared/contract/schemas';\n";
    // An engine folder with no layer yet is not judged, but named so it gets one.
    allowed['src-main/engine/gadget/gadget.ts'] = "import { Swarm } from '../swarm/swarm';\nexport const gadget = Swarm;\n";
    const result = await runCheck(await writeTree(allowed));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('walls: engine/gadget/ has no layer yet');
  });

  it("passes Shoal's own tree", async () => {
    const result = await runCheck();
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^walls: \d+ files, no import crosses a wall/);
    expect(result.code).toBe(0);
  });
});
