import type { ShoalApi, WireError } from '../../src-shared/contract';
import type { MenuAction } from './menu-actions';
import type { SourceKind } from './native-files-channels';

/**
 * `window.shoal` in the Electron renderer: the contract's ShoalApi plus the menu actions the
 * renderer carries out. A failed command rejects with an Error whose message is the engine's
 * sentence (contextBridge keeps only the message of an Error).
 */
export interface ShoalBridge extends ShoalApi {
  onMenuAction(handler: (action: MenuAction) => void): () => void;
  /** The OS's open dialog for a file or folder to make a torrent of; null when cancelled. */
  chooseSource(kind: SourceKind): Promise<string | null>;
  /** The OS's save dialog, then the .torrent written there; its path, or null when cancelled. */
  saveTorrent(data: Uint8Array, fileName: string): Promise<string | null>;
  /** The OS's file manager opens the folder holding `path`, with it selected. */
  showInFolder(path: string): Promise<void>;
}

/**
 * What a command channel answers. Electron turns errors thrown by a handler into generic
 * "Error invoking remote method" text, so failures travel as data instead.
 */
export type IpcReply = { ok: true; output: unknown } | { ok: false; error: WireError };
