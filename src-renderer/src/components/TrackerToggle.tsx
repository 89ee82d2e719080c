import { useCommand } from '../store/use-command';
import { useShoal, useShoalStore } from '../store/store';

/**
 * Turns Shoal's own tracker on and off (engine setting); while on, shows the announce address to
 * put in the torrents one creates.
 */
export function TrackerToggle() {
  const store = useShoalStore();
  const run = useCommand();
  const enabled = useShoal((s) => s.settings?.trackerEnabled ?? false);
  const port = useShoal((s) => s.settings?.trackerPort ?? 6969);

  const toggle = async (on: boolean) => {
    const saved = await run('setSettings', { trackerEnabled: on });
    if (saved) store.getState().setSettings(saved);
  };

  return (
    <span className="tracker-toggle">
      <label title="Run Shoal's own HTTP and UDP tracker">
        <input type="checkbox" checked={enabled} onChange={(e) => void toggle(e.target.checked)} /> Embedded tracker
      </label>
      {enabled && <code title="Announce address for torrents you create">{`:${port}/announce`}</code>}
    </span>
  );
}
