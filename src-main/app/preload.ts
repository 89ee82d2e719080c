// Runs in the sandboxed preload (bundled to dist/preload.cjs): the only bridge between the
// untrusted renderer and the main process. It exposes functions, never ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
// Names and channels only: the schemas (zod, msgpack) stay out of the preload bundle.
import { channels } from '../../src-shared/contract/channels';
import type { CommandInput, CommandOutput } from '../../src-shared/contract/commands';
import type { EventPayload } from '../../src-shared/contract/events';
import { PROTOCOL_VERSION } from '../../src-shared/contract/limits';
import { isCommandName, isEventName, type CommandName, type EventName } from '../../src-shared/contract/names';
import { fromWireError } from '../../src-shared/errors';
import type { IpcReply, ShoalBridge } from './bridge';
import { isMenuAction, menuActionChannel, type MenuAction } from './menu-actions';
import { nativeFilesChannels, type SourceKind } from './native-files-channels';

async function invoke<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
  if (!isCommandName(name)) throw new Error(`unknown command '${String(name)}'`);
  const reply = (await ipcRenderer.invoke(channels.command(name), input)) as IpcReply;
  if (!reply.ok) throw fromWireError(reply.error);
  return reply.output as CommandOutput<C>;
}

function on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void {
  if (!isEventName(name)) throw new Error(`unknown event '${String(name)}'`);
  const listener = (_event: IpcRendererEvent, payload: EventPayload<E>): void => handler(payload);
  const channel = channels.event(name);
  ipcRenderer.on(channel, listener);
  // The engine was connected long before this handler existed; `hello` makes the main process
  // replay the whole torrent list (`full: true`), which is what a new list handler expects first.
  if (name === 'torrents') {
    invoke('hello', { protocolVersion: PROTOCOL_VERSION }).catch((err: unknown) => {
      console.error(`shoal: the main process refused hello: ${String(err)}`);
    });
  }
  return () => {
    ipcRenderer.removeListener(channel, listener);
  };
}

function onMenuAction(handler: (action: MenuAction) => void): () => void {
  const listener = (_event: IpcRendererEvent, action: unknown): void => {
    if (isMenuAction(action)) handler(action);
  };
  ipcRenderer.on(menuActionChannel, listener);
  return () => {
    ipcRenderer.removeListener(menuActionChannel, listener);
  };
}

async function native(channel: string, ...args: unknown[]): Promise<string | null> {
  const reply = (await ipcRenderer.invoke(channel, ...args)) as IpcReply;
  if (!reply.ok) throw fromWireError(reply.error);
  return reply.output as string | null;
}

const chooseSource = (kind: SourceKind) => native(nativeFilesChannels.chooseSource, kind);
const saveTorrent = (data: Uint8Array, fileName: string) => native(nativeFilesChannels.saveTorrent, data, fileName);
const showInFolder = async (path: string) => void (await native(nativeFilesChannels.showInFolder, path));

const bridge: ShoalBridge = { invoke, on, onMenuAction, chooseSource, saveTorrent, showInFolder };
contextBridge.exposeInMainWorld('shoal', bridge);
