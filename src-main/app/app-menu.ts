import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuAction } from './menu-actions';

export interface MenuHandlers {
  openTorrentFiles(): void;
  /** Actions the renderer carries out on its own state (selection, add-magnet dialog). */
  rendererAction(action: MenuAction): void;
}

/**
 * The application menu. Space and Delete are shown but not registered as accelerators: a
 * registered plain key would be taken from every text field, so the page handles those keys
 * itself where a torrent list has focus.
 */
export function buildAppMenu(handlers: MenuHandlers, platform: NodeJS.Platform): Menu {
  const isMac = platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Torrent…', accelerator: 'CmdOrCtrl+O', click: () => handlers.openTorrentFiles() },
        { label: 'Add Magnet Link…', accelerator: 'CmdOrCtrl+U', click: () => handlers.rendererAction('add-magnet') },
        { label: 'Create Torrent…', accelerator: 'CmdOrCtrl+N', click: () => handlers.rendererAction('create-torrent') },
        { type: 'separator' },
        { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => handlers.rendererAction('open-settings') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&Torrent',
      submenu: [
        {
          label: 'Pause / Resume',
          accelerator: 'Space',
          registerAccelerator: false,
          click: () => handlers.rendererAction('toggle-pause-selected'),
        },
        {
          label: 'Remove…',
          accelerator: 'Delete',
          registerAccelerator: false,
          click: () => handlers.rendererAction('remove-selected'),
        },
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
