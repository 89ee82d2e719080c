import { ShoalError } from '../../../src-shared/errors';
import { defaultLimitSettings, type EngineApi, type Settings, type ShoalEvent, type TorrentSummary } from '../../../src-shared/contract';
import { fakeHash, fakeSummary } from '../../testing/summary-row';

/** An in-process engine for transport tests: answers from memory and lets a test push events. */
export interface FakeEngine extends EngineApi {
  /** Inputs received, in order, as [command, input]. */
  readonly calls: [string, unknown][];
  emit(event: ShoalEvent): void;
  listenerCount(): number;
}

export function createFakeEngine(torrents: TorrentSummary[] = [fakeSummary()]): FakeEngine {
  const listeners = new Set<(event: ShoalEvent) => void>();
  const calls: [string, unknown][] = [];
  let settings: Settings = { downloadDir: '/downloads', listenPort: 6881, maxConnectionsPerTorrent: 50, theme: 'system', ...defaultLimitSettings };
  const record = (name: string, input: unknown): void => {
    calls.push([name, input]);
  };
  return {
    calls,
    emit: (event) => listeners.forEach((l) => l(event)),
    listenerCount: () => listeners.size,
    onEvent(listener) {
      listeners.add(listener);
      // The EngineApi contract: a new listener hears the whole list first.
      void Promise.resolve().then(() => listener({ name: 'torrents', payload: { full: true, changed: torrents, removed: [] } }));
      return () => listeners.delete(listener);
    },
    async addTorrent(input) {
      record('addTorrent', input);
      if (input.source.kind === 'torrent' && input.source.data.byteLength < 2) {
        throw new ShoalError('invalid-torrent', 'this file is not a torrent');
      }
      return { infoHash: fakeHash, name: 'fixture' };
    },
    async checkFolder(input) {
      record('checkFolder', input);
      return { problem: null, freeSpace: null };
    },
    async inspectTorrent(input) {
      record('inspectTorrent', input);
      return { infoHash: fakeHash, version: 'data' in input ? 'v1' : null, infoHashV2: null, name: 'fixture', length: 'data' in input ? input.data.byteLength : null, files: [], trackers: [] };
    },
    async createTorrent(input) {
      record('createTorrent', input);
      listeners.forEach((l) => l({ name: 'createProgress', payload: { jobId: input.jobId, hashed: 3, total: 3 } }));
      return { data: Uint8Array.from([100, 101]), infoHash: fakeHash, name: 'fixture', savePath: '/data', seedsInPlace: true, pieceLength: 16384, pieceCount: 1 };
    },
    async cancelCreate(input) {
      record('cancelCreate', input);
      return {};
    },
    async pause(input) {
      record('pause', input);
      return {};
    },
    async resume(input) {
      record('resume', input);
      return {};
    },
    async remove(input) {
      record('remove', input);
      if (!input.infoHashes.every((h) => torrents.some((t) => t.infoHash === h))) {
        throw new ShoalError('not-found', 'no such torrent');
      }
      return {};
    },
    async setFilePriorities(input) {
      record('setFilePriorities', input);
      return {};
    },
    async setTorrentOptions(input) {
      record('setTorrentOptions', input);
      return {};
    },
    async moveInQueue(input) {
      record('moveInQueue', input);
      return {};
    },
    async recheck(input) {
      record('recheck', input);
      return {};
    },
    async moveStorage(input) {
      record('moveStorage', input);
      return {};
    },
    async setTrackers(input) {
      record('setTrackers', input);
      return {};
    },
    async addTrackers(input) {
      record('addTrackers', input);
      return { added: input.urls.length };
    },
    async fetchMetadata(input) {
      record('fetchMetadata', input);
      return { infoHash: fakeHash };
    },
    async cancelMetadata(input) {
      record('cancelMetadata', input);
      return {};
    },
    async reannounce(input) {
      record('reannounce', input);
      return {};
    },
    async forceStart(input) {
      record('forceStart', input);
      return {};
    },
    async getMagnetLinks(input) {
      record('getMagnetLinks', input);
      return { links: input.infoHashes.map((h) => `magnet:?xt=urn:btih:${h}`) };
    },
    async addPeer(input) {
      record('addPeer', input);
      return {};
    },
    async banPeer(input) {
      record('banPeer', input);
      return {};
    },
    async setLabels(input) {
      record('setLabels', input);
      return {};
    },
    async renameTorrent(input) {
      record('renameTorrent', input);
      return {};
    },
    async renameFile(input) {
      record('renameFile', input);
      return {};
    },
    async subscribe(input) {
      record('subscribe', input);
      return {};
    },
    async streamFile(input) {
      record('streamFile', input);
      return { url: '/stream/cap/fake-capability/fixture.webm', name: 'fixture.webm', length: 1000, mimeType: 'video/webm' };
    },
    async getSpeedHistory(input) {
      record('getSpeedHistory', input);
      return { stepMs: 1000, endedAt: 1_700_000_000_000, down: [0, 2048], up: [0, 1024] };
    },
    async getLog(input) {
      record('getLog', input);
      return { entries: [] };
    },
    async getSettings(input) {
      record('getSettings', input);
      return settings;
    },
    async setSettings(input) {
      record('setSettings', input);
      settings = { ...settings, ...input };
      return settings;
    },
  };
}
