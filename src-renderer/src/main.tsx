import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, type AppProps } from './App';
import { createShoalStore } from './store/store';
import { keepViewPrefs, loadViewPrefs } from './store/view-prefs';
import { connectWebSocket } from './transport/ws-client';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

// The view (sort, filter, tab, columns, panel height) comes back as the user left it.
const store = createShoalStore(loadViewPrefs(localStorage));
keepViewPrefs(store, localStorage);
let props: AppProps;
const bridge = window.shoal;
if (bridge) {
  // Electron: the preload's bridge, plus the application menu's commands.
  const { chooseSource, saveTorrent, showInFolder } = bridge;
  props = {
    api: bridge,
    store,
    ...(bridge.onMenuAction ? { menu: bridge.onMenuAction } : {}),
    ...(chooseSource && saveTorrent && showInFolder ? { native: { chooseSource, saveTorrent, showInFolder } } : {}),
  };
} else {
  // Web UI served by `shoal serve`: the same contract over a WebSocket on the page's own origin.
  const client = connectWebSocket(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`);
  client.onStatus((status) => {
    if (status.state !== 'open') store.getState().setConnected(false);
    if (status.state === 'closed' && status.error) store.getState().reportError(status.error.message);
  });
  props = { api: client, store };
}

createRoot(container).render(
  <StrictMode>
    <App {...props} />
  </StrictMode>,
);
