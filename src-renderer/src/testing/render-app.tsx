/** Renders the whole App against a FakeApi in jsdom, with a sized viewport so the virtual list shows rows. */
import { act, fireEvent, render, screen, type RenderResult } from '@testing-library/react';
import { App } from '../App';
import { defaultLimitSettings, type EventName, type EventPayload, type Settings } from '../api/contract';
import { createShoalStore, type ShoalStore } from '../store/store';
import { FakeApi } from './fake-api';
import { summary } from './torrents';

// jsdom does no layout: give every element a size so the virtualizer has rows to render.
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });

export const defaultSettings: Settings = { downloadDir: '/home/me/Downloads', listenPort: 6881, maxConnectionsPerTorrent: 80, theme: 'system', ...defaultLimitSettings };

export interface Rendered extends RenderResult {
  api: FakeApi;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

/** `store`: by default one already connected to the engine, as the app is once the list arrived. */
export async function renderApp(api = new FakeApi(), store: ShoalStore = createShoalStore({ connected: true })): Promise<Rendered> {
  if (!api.answers('getSettings')) api.respond('getSettings', () => defaultSettings);
  const result = render(<App api={api} store={store} />);
  // Let getSettings resolve.
  await act(async () => {});
  return {
    ...result,
    api,
    emit: (name, payload) => act(() => api.emit(name, payload)),
  };
}

/** The App with one torrent, 'alpha' (hashOf(1)), selected and its detail `tab` open. */
export async function renderDetailTab(tab: string): Promise<Rendered> {
  const app = await renderApp();
  app.emit('torrents', { full: true, changed: [summary(1, { name: 'alpha' })], removed: [] });
  fireEvent.mouseDown(screen.getAllByRole('row').find((r) => r.textContent?.includes('alpha'))!);
  fireEvent.click(screen.getByRole('tab', { name: tab }));
  await act(async () => {});
  return app;
}
