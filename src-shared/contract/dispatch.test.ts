import { describe, expect, it } from 'vitest';
import { ShoalError } from '../errors';
import type { EngineApi } from './api';
import { answerRequest, dispatchCommand } from './dispatch';
import { PROTOCOL_VERSION } from './limits';
import { APP_VERSION } from './version';

function engineWith(overrides: Partial<EngineApi>): EngineApi {
  const refuse = async (): Promise<never> => {
    throw new Error('not expected in this test');
  };
  return {
    addTorrent: refuse,
    inspectTorrent: refuse,
    createTorrent: refuse,
    cancelCreate: refuse,
    fetchMetadata: refuse,
    cancelMetadata: refuse,
    addTrackers: refuse,
    checkFolder: refuse,
    pause: refuse,
    resume: refuse,
    remove: refuse,
    setFilePriorities: refuse,
    setTorrentOptions: refuse,
    moveInQueue: refuse,
    recheck: refuse,
    moveStorage: refuse,
    setTrackers: refuse,
    reannounce: refuse,
    forceStart: refuse,
    getMagnetLinks: refuse,
    addPeer: refuse,
    banPeer: refuse,
    setLabels: refuse,
    renameTorrent: refuse,
    renameFile: refuse,
    subscribe: refuse,
    getSettings: refuse,
    setSettings: refuse,
    streamFile: refuse,
    getSpeedHistory: refuse,
    getLog: refuse,
    onEvent: () => () => {},
    ...overrides,
  };
}

describe('dispatch', () => {
  it('answers hello itself, with the app version', async () => {
    await expect(dispatchCommand(engineWith({}), 'hello', { protocolVersion: PROTOCOL_VERSION })).resolves.toEqual({
      protocolVersion: PROTOCOL_VERSION,
      appVersion: APP_VERSION,
    });
    await expect(dispatchCommand(engineWith({}), 'hello', { protocolVersion: 0 })).rejects.toMatchObject({ code: 'protocol' });
  });

  it('hands the engine the parsed input only', async () => {
    let got: unknown;
    const engine = engineWith({
      pause: async (input) => {
        got = input;
        return {};
      },
    });
    await dispatchCommand(engine, 'pause', { infoHashes: ['b'.repeat(40)] });
    expect(got).toEqual({ infoHashes: ['b'.repeat(40)] });
  });

  it('refuses names that are not commands, including inherited ones', async () => {
    for (const name of ['toString', '__proto__', 'constructor', 'onEvent', 42]) {
      await expect(dispatchCommand(engineWith({}), name, {})).rejects.toMatchObject({ code: 'invalid-input' });
    }
  });

  it('turns engine failures into wire errors without stacks', async () => {
    const engine = engineWith({
      pause: async () => {
        throw new ShoalError('not-found', 'no such torrent');
      },
      resume: async () => {
        throw new TypeError('x is undefined');
      },
    });
    expect(await answerRequest(engine, { type: 'request', id: 1, name: 'pause', input: { infoHashes: [] } })).toEqual({
      type: 'error',
      id: 1,
      error: { code: 'not-found', message: 'no such torrent' },
    });
    const bug = await answerRequest(engine, { type: 'request', id: 2, name: 'resume', input: { infoHashes: [] } });
    expect(bug).toEqual({ type: 'error', id: 2, error: { code: 'internal', message: 'unexpected engine error: x is undefined' } });
  });
});
