/** The Electron shell's native file dialogs; the web UI has none (it types paths on the serving machine and downloads files). */
import { createContext, useContext } from 'react';

export interface NativeFiles {
  /** The path the user picked in the OS's open dialog; null when cancelled. */
  chooseSource(kind: 'file' | 'folder'): Promise<string | null>;
  /** Writes a .torrent where the user chooses in the OS's save dialog; the path, or null when cancelled. */
  saveTorrent(data: Uint8Array, fileName: string): Promise<string | null>;
  /** The OS's file manager opens the folder holding `path` (a torrent's data), with it selected. */
  showInFolder(path: string): Promise<void>;
}

export const NativeFilesContext = createContext<NativeFiles | null>(null);

export function useNativeFiles(): NativeFiles | null {
  return useContext(NativeFilesContext);
}
