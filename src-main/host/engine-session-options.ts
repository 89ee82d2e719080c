import type { SessionOptions } from '../engine/session-settings';
import { terminalLine } from './terminal-text';
import type { EngineWorkerData } from './worker-data';

/** The Session options a host's engine data asks for, wherever the engine runs (worker or in process). */
export function engineSessionOptions(data: EngineWorkerData): SessionOptions {
  return {
    downloadDir: data.downloadDir,
    ...(data.stateDir !== undefined ? { stateDir: data.stateDir } : {}),
    ...(data.downloadDirGiven ? { downloadDirGiven: true } : {}),
    ...(data.listenPort !== undefined ? { listenPort: data.listenPort } : {}),
    ...(data.portForwarding ? { portForwarding: true } : {}),
    // Log lines quote tracker URLs, peers' reasons and names: escaped, as everything for a terminal.
    log: (line) => console.error(terminalLine(line)),
  };
}
