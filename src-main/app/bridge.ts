import type { ShoalApi, WireError } from '../../src-shared/contract';
import type { MenuAction } from './menu-actions';

/**
 * `window.shoal` in the Electron renderer: the contract's ShoalApi plus the menu actions the
 * renderer carries out. A failed command rejects with an Error whose message is the engine's
 * sentence (contextBridge keeps only the message of an Error).
 */
export interface ShoalBridge extends ShoalApi {
  onMenuAction(handler: (action: MenuAction) => void): () => void;
}

/**
 * What a command channel answers. Electron turns errors thrown by a handler into generic
 * "Error invoking remote method" text, so failures travel as data instead.
 */
export type IpcReply = { ok: true; output: unknown } | { ok: false; error: WireError };
