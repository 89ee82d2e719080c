import type { ShoalApi } from './api/contract';
import type { NativeFiles } from './api/native-files';

/** Menu commands the Electron shell forwards (src-main/app/menu-actions.ts; the renderer cannot import main-side code). */
export type MenuAction = 'add-magnet' | 'create-torrent' | 'open-settings' | 'remove-selected' | 'toggle-pause-selected';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the web UI, which connects over a WebSocket instead. */
    shoal?: ShoalApi & { onMenuAction?(handler: (action: MenuAction) => void): () => void } & Partial<NativeFiles>;
  }
}
