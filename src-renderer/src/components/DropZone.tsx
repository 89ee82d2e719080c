import { useEffect, useRef, useState } from 'react';
import { useShoalStore } from '../store/store';
import { findMagnet } from './add/add-source';
import { useAdd } from './add/AddFlow';
import { dialogOpen } from './Dialog';

/** The whole window accepts dropped .torrent files and magnet text; an overlay shows while dragging. */
export function DropZone() {
  const add = useAdd();
  const store = useShoalStore();
  const [active, setActive] = useState(false);
  const depth = useRef(0);

  useEffect(() => {
    const carriesDroppable = (e: DragEvent) => {
      const types = e.dataTransfer?.types ?? [];
      return types.includes('Files') || types.includes('text/uri-list') || types.includes('text/plain');
    };
    const onEnter = (e: DragEvent) => {
      if (!carriesDroppable(e) || dialogOpen()) return;
      e.preventDefault();
      depth.current++;
      setActive(true);
    };
    const onOver = (e: DragEvent) => {
      if (!carriesDroppable(e)) return;
      // Without preventDefault the browser would navigate to the dropped file.
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setActive(false);
    };
    const onDrop = (e: DragEvent) => {
      e.preventDefault();
      depth.current = 0;
      setActive(false);
      const dt = e.dataTransfer;
      if (!dt) return;
      if (dialogOpen()) {
        // One dialog at a time: the drop would open another over it.
        store.getState().reportError('Close the open dialog first, then drop again.');
        return;
      }
      const files = [...dt.files];
      if (files.length > 0) {
        void add.addFiles(files);
        return;
      }
      const magnet = findMagnet(dt.getData('text/uri-list') || dt.getData('text/plain'));
      if (magnet === null) {
        store.getState().reportError('Drop a .torrent file or a magnet link.');
        return;
      }
      void add.addMagnet(magnet).then((problem) => {
        if (problem !== null) store.getState().reportError(problem);
      });
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [add, store]);

  if (!active) return null;
  return (
    <div className="drop-overlay" role="region" aria-label="Drop to add">
      <div className="drop-card">
        <strong>Drop to add</strong>
        <span>.torrent files or a magnet link</span>
      </div>
    </div>
  );
}
