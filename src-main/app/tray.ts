import { Menu, Tray, nativeImage } from 'electron';
import type { GlobalStats } from '../../src-shared/contract';
import { formatRate } from './format-rate';

export interface TrayActions {
  showWindow(): void;
  quit(): void;
}

/** The tray icon: global rates in its tooltip, a way back to the window, and quit. */
export class RateTray {
  readonly #tray: Tray;
  #tooltip = '';

  constructor(iconPath: string, actions: TrayActions) {
    this.#tray = new Tray(nativeImage.createFromPath(iconPath));
    this.#tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show Shoal', click: () => actions.showWindow() },
        { type: 'separator' },
        { label: 'Quit Shoal', click: () => actions.quit() },
      ]),
    );
    this.#tray.on('click', () => actions.showWindow());
    this.#setTooltip('Shoal');
  }

  update(stats: GlobalStats): void {
    this.#setTooltip(`Shoal\n↓ ${formatRate(stats.downRate)}  ↑ ${formatRate(stats.upRate)}\n${stats.connectedPeers} peers`);
  }

  destroy(): void {
    this.#tray.destroy();
  }

  // Stats come every second; most seconds nothing visible changed.
  #setTooltip(text: string): void {
    if (text === this.#tooltip) return;
    this.#tooltip = text;
    this.#tray.setToolTip(text);
  }
}
