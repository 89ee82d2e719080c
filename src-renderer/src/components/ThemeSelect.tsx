import type { Theme } from '../api/contract';
import { useCommand } from '../api/use-command';
import { useShoal, useShoalStore } from '../store/store';

const themes: readonly { value: Theme; label: string }[] = [
  { value: 'system', label: 'System theme' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** System / light / dark, stored in the engine's settings so every window and the web UI agree. */
export function ThemeSelect() {
  const store = useShoalStore();
  const run = useCommand();
  const theme = useShoal((s) => s.settings?.theme ?? 'system');

  const choose = async (value: string) => {
    const next = themes.find((t) => t.value === value)?.value;
    if (!next) return;
    const s = store.getState();
    // Switch at once; the engine's reply (the stored settings) confirms it.
    if (s.settings) s.setSettings({ ...s.settings, theme: next });
    const saved = await run('setSettings', { theme: next });
    if (saved) store.getState().setSettings(saved);
  };

  return (
    <select className="theme-select" aria-label="Theme" value={theme} onChange={(e) => void choose(e.target.value)}>
      {themes.map((t) => (
        <option key={t.value} value={t.value}>
          {t.label}
        </option>
      ))}
    </select>
  );
}
