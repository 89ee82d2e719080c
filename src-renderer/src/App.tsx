import { useEffect, useState } from 'react';
import { ApiContext } from './api/api-context';
import { bindStore } from './store/bind-store';
import type { ShoalApi } from './api/contract';
import { NativeFilesContext, type NativeFiles } from './api/native-files';
import { AddFlow } from './components/add/AddFlow';
import { ConfirmRemove } from './components/ConfirmRemove';
import { ConnectionBanner } from './components/ConnectionBanner';
import { CreateTorrentDialog } from './components/create/CreateTorrentDialog';
import { DetailPanel } from './components/detail/DetailPanel';
import { DropZone } from './components/DropZone';
import { TorrentList } from './components/list/TorrentList';
import { MenuActions, type MenuSource } from './components/MenuActions';
import { MoveStorageDialog } from './components/MoveStorageDialog';
import { RenameTorrentDialog } from './components/RenameDialog';
import { SpeedLimitsDialog } from './components/SpeedLimitsDialog';
import { LabelsDialog } from './components/sidebar/LabelsDialog';
import { Sidebar } from './components/sidebar/Sidebar';
import { Notices } from './components/Notices';
import { FinishNotifier } from './components/log/FinishNotifier';
import { LogDialog } from './components/log/LogDialog';
import { StatisticsDialog } from './components/stats/StatisticsDialog';
import { PlayerView } from './components/player/PlayerView';
import { SettingsDialog } from './components/settings/SettingsDialog';
import { PageTitle } from './components/PageTitle';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { createShoalStore, StoreContext, useShoal, type ShoalStore } from './store/store';
import './styles/app.css';

/** Puts the chosen theme on <html>; "system" leaves it to prefers-color-scheme in the stylesheet. */
function ThemeRoot() {
  const theme = useShoal((s) => s.settings?.theme ?? 'system');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return null;
}

export interface AppProps {
  api: ShoalApi;
  /** A prepared store (tests, the bench); by default the app makes its own. */
  store?: ShoalStore;
  /** The Electron shell's menu commands; the web UI has none. */
  menu?: MenuSource;
  /** The Electron shell's open and save dialogs; the web UI has none. */
  native?: NativeFiles;
}

/** The shell; `offline` greys what is on screen while the engine is not connected. */
function Shell() {
  const connected = useShoal((s) => s.connected);
  const detailHeight = useShoal((s) => s.detailHeight);
  // The detail panel keeps the height the user dragged it to, within what the window allows.
  const rows = detailHeight === null ? undefined : { gridTemplateRows: `minmax(120px, 1fr) minmax(120px, ${detailHeight}px)` };
  return (
    <div className={connected ? 'app' : 'app offline'}>
      <Toolbar />
      <ConnectionBanner />
      <div className="body">
        <Sidebar />
        <main className="main" style={rows}>
          <TorrentList />
          <DetailPanel />
        </main>
      </div>
      <StatusBar />
      <PageTitle />
    </div>
  );
}

export function App({ api, store: given, menu, native }: AppProps) {
  const [store] = useState(() => given ?? createShoalStore());
  useEffect(() => bindStore(api, store), [api, store]);
  return (
    <ApiContext.Provider value={api}>
      <NativeFilesContext.Provider value={native ?? null}>
        <StoreContext.Provider value={store}>
          <ThemeRoot />
          <AddFlow shortcuts={menu === undefined}>
            <Shell />
            <Notices />
            <DropZone />
            <ConfirmRemove />
            <MoveStorageDialog />
            <SpeedLimitsDialog />
            <LabelsDialog />
            <RenameTorrentDialog />
            <CreateTorrentDialog />
            <PlayerView />
            <SettingsDialog shortcut={menu === undefined} />
            <StatisticsDialog />
            {/* The Electron shell notifies natively; the web UI through the browser, when allowed. */}
            <LogDialog notifications={menu === undefined} />
            {menu === undefined && <FinishNotifier />}
            {menu && <MenuActions source={menu} />}
          </AddFlow>
        </StoreContext.Provider>
      </NativeFilesContext.Provider>
    </ApiContext.Provider>
  );
}
