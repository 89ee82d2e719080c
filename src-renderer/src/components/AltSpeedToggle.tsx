import type { Settings } from '../api/contract';
import { useCommand } from '../store/use-command';
import { useShoal, useShoalStore } from '../store/store';

function enabledOf(settings: Settings | null): boolean {
  return settings?.altSpeedEnabled ?? false;
}

/** Switches the alternative speed limits on and off by hand; pressed while they apply. */
export function AltSpeedToggle() {
  const store = useShoalStore();
  const run = useCommand();
  const enabled = useShoal((s) => enabledOf(s.settings));
  const ready = useShoal((s) => s.settings !== null);
  // On by the schedule while the hand switch is off: shown as on, the switch itself not pressed.
  const scheduled = useShoal((s) => !enabledOf(s.settings) && (s.stats?.altSpeedActive ?? false));

  const toggle = async () => {
    const s = store.getState();
    if (!s.settings) return;
    const next = !s.settings.altSpeedEnabled;
    // Switch at once; the engine's reply (the stored settings) confirms it, a refusal puts it back.
    s.setSettings({ ...s.settings, altSpeedEnabled: next });
    const saved = await run('setSettings', { altSpeedEnabled: next });
    const now = store.getState().settings;
    if (saved) store.getState().setSettings(saved);
    else if (now) store.getState().setSettings({ ...now, altSpeedEnabled: !next });
  };

  return (
    <button
      type="button"
      className={enabled || scheduled ? 'alt-speed on' : 'alt-speed'}
      aria-pressed={enabled}
      disabled={!ready}
      onClick={() => void toggle()}
      aria-description={scheduled ? 'On by the schedule' : undefined}
      title={scheduled ? 'Alternative speed limits: on by the schedule' : 'Alternative speed limits: on or off by hand'}
    >
      {/* The name starts with what is seen, so speech control can say it. */}
      Alt. speed<span className="visually-hidden">: alternative speed limits</span>
      {scheduled && ' (scheduled)'}
    </button>
  );
}
