import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import {
  answerHello,
  channels,
  commands,
  dispatchCommand,
  engineFromApi,
  eventNames,
  toWireError,
  type CommandInput,
  type EngineApi,
  type EventName,
  type EventPayload,
  type ShoalApi,
} from '../../src-shared/contract';
import { ShoalError } from '../../src-shared/errors';
import type { IpcReply } from './bridge';
import { menuActionChannel, type MenuAction } from './menu-actions';
import { TorrentListReplay } from '../host/torrent-list-replay';

type Notice = EventPayload<'notice'>;

/** Notices kept for a page that has not loaded yet; more than this and the oldest go. */
const maxQueuedNotices = 20;

/**
 * Carries the contract between the untrusted renderer and the engine: every command from the
 * page is checked (sender, name, input schema) before the engine sees it, and every engine
 * event is passed on to the page.
 */
export class RendererRelay {
  readonly #engine: EngineApi;
  readonly #pageUrl: URL;
  readonly #list = new TorrentListReplay();
  readonly #queuedNotices: Notice[] = [];
  #window: BrowserWindow | null = null;
  /** The page has said hello since it last started loading, so it is listening for events. */
  #pageReady = false;
  #subscription: CommandInput<'subscribe'> | null = null;

  constructor(
    private readonly api: ShoalApi,
    pageUrl: string,
    /** The absolute address of a stream path (as `streamFile` answers) on the app's stream server. */
    streamUrl: (path: string) => string,
  ) {
    this.#pageUrl = new URL(pageUrl);
    const base = engineFromApi(api);
    this.#engine = {
      ...base,
      // Remembered so the same details keep streaming from an engine that was restarted.
      subscribe: async (input) => {
        const output = await base.subscribe(input);
        this.#subscription = input;
        return output;
      },
      // The engine answers with a path; the page (a file: page) needs the whole address.
      streamFile: async (input) => {
        const output = await base.streamFile(input);
        return { ...output, url: streamUrl(output.url) };
      },
    };
    for (const name of eventNames) {
      api.on(name, (payload) => this.#onEngineEvent(name, payload));
    }
  }

  /** Answers every command channel. Call once. */
  register(ipcMain: IpcMain): void {
    for (const { name, channel } of channels.allCommands()) {
      ipcMain.handle(channel, (event, input: unknown) => this.#answer(event, name, input));
    }
  }

  /** The window whose page gets the events. */
  attach(window: BrowserWindow): void {
    this.#window = window;
    this.#pageReady = false;
    window.webContents.on('did-start-loading', () => {
      if (this.#window === window) this.#pageReady = false;
    });
    window.on('closed', () => {
      if (this.#window === window) {
        this.#window = null;
        this.#pageReady = false;
      }
    });
  }

  /** Tells the user something; kept until the page can show it. */
  notify(notice: Notice): void {
    if (this.#pageReady) {
      this.#send(channels.event('notice'), notice);
      return;
    }
    this.#queuedNotices.push(notice);
    if (this.#queuedNotices.length > maxQueuedNotices) this.#queuedNotices.shift();
  }

  menuAction(action: MenuAction): void {
    this.#send(menuActionChannel, action);
  }

  /** After an engine restart: ask the new engine for what the page was watching. */
  async resubscribe(): Promise<void> {
    if (this.#subscription) await this.api.invoke('subscribe', this.#subscription);
  }

  async #answer(event: IpcMainInvokeEvent, name: string, input: unknown): Promise<IpcReply> {
    try {
      if (!this.isOwnPage(event)) {
        throw new ShoalError('invalid-input', 'commands are only accepted from the Shoal window');
      }
      if (name === 'hello') return { ok: true, output: this.#hello(input) };
      return { ok: true, output: await dispatchCommand(this.#engine, name, input) };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  }

  #hello(input: unknown): unknown {
    const parsed = commands.hello.input.safeParse(input);
    if (!parsed.success) throw new ShoalError('invalid-input', 'hello needs a protocolVersion');
    const output = answerHello(parsed.data.protocolVersion);
    // The reply is sent after these, so the page has its full list before hello resolves.
    this.#pageReady = true;
    this.#send(channels.event('torrents'), this.#list.snapshot());
    for (const notice of this.#queuedNotices.splice(0)) this.#send(channels.event('notice'), notice);
    return output;
  }

  /** Only the top frame of our own window, showing our own bundled page, may send commands. */
  isOwnPage(event: IpcMainInvokeEvent): boolean {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    if (!this.#window || this.#window.isDestroyed() || event.sender !== this.#window.webContents) return false;
    let url: URL;
    try {
      url = new URL(frame.url);
    } catch {
      return false;
    }
    return url.protocol === 'file:' && url.pathname === this.#pageUrl.pathname;
  }

  #onEngineEvent(name: EventName, payload: unknown): void {
    if (name === 'torrents') this.#list.apply(payload as EventPayload<'torrents'>);
    if (name === 'notice') {
      this.notify(payload as Notice);
      return;
    }
    if (this.#pageReady) this.#send(channels.event(name), payload);
  }

  #send(channel: string, payload: unknown): void {
    const window = this.#window;
    if (!window || window.isDestroyed()) return;
    window.webContents.send(channel, payload);
  }
}
