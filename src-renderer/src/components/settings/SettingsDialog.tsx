import { useEffect, useId, useState } from 'react';
import { errorMessage, useApi } from '../../api/api-context';
import type { EncryptionMode, Settings, Theme } from '../../api/contract';
import { useShoal, useShoalStore } from '../../store/store';
import { Dialog, dialogOpen } from '../Dialog';
import { InlineError } from '../InlineError';
import { CheckField, RateField, SelectField, ShareLimitsFields, TextField } from './fields';
import { changedSettings, parseSettingsDraft, settingsDraft, type SettingsDraft } from './settings-form';

const themes: readonly { value: Theme; label: string }[] = [
  { value: 'system', label: 'Same as the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const watchAfterAddOptions: readonly { value: 'move' | 'delete'; label: string }[] = [
  { value: 'move', label: 'Move to the watch folder’s “done” folder' },
  { value: 'delete', label: 'Delete' },
];

const encryptionModes: readonly { value: EncryptionMode; label: string }[] = [
  { value: 'prefer', label: 'Prefer encrypted, accept both' },
  { value: 'require', label: 'Require encryption' },
  { value: 'off', label: 'Off (plain connections only)' },
];

const days: readonly { day: number; short: string; name: string }[] = [
  { day: 1, short: 'Mon', name: 'Monday' },
  { day: 2, short: 'Tue', name: 'Tuesday' },
  { day: 3, short: 'Wed', name: 'Wednesday' },
  { day: 4, short: 'Thu', name: 'Thursday' },
  { day: 5, short: 'Fri', name: 'Friday' },
  { day: 6, short: 'Sat', name: 'Saturday' },
  { day: 0, short: 'Sun', name: 'Sunday' },
];

/** Opens on the toolbar's button, Ctrl/Cmd+, (web UI) or the application menu (Electron). */
export function SettingsDialog({ shortcut }: { shortcut: boolean }) {
  const store = useShoalStore();
  const open = useShoal((s) => s.settingsOpen);
  const settings = useShoal((s) => s.settings);

  useEffect(() => {
    if (!shortcut) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key === ',' && !dialogOpen()) {
        e.preventDefault();
        store.getState().setSettingsOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcut, store]);

  // Until the engine's settings arrive there is nothing to edit.
  return open && settings !== null ? <SettingsForm settings={settings} /> : null;
}

function SettingsForm({ settings }: { settings: Settings }) {
  const api = useApi();
  const store = useShoalStore();
  // The draft starts from the settings at opening; later engine updates do not overwrite typing.
  const [draft, setDraft] = useState(() => settingsDraft(settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const daysId = useId();

  const close = () => store.getState().setSettingsOpen(false);
  const set = (part: Partial<SettingsDraft>) => setDraft((d) => ({ ...d, ...part }));
  const setSchedule = (part: Partial<SettingsDraft['schedule']>) => setDraft((d) => ({ ...d, schedule: { ...d.schedule, ...part } }));
  const setQueue = (part: Partial<SettingsDraft['queue']>) => setDraft((d) => ({ ...d, queue: { ...d.queue, ...part } }));
  const toggleDay = (day: number, on: boolean) => setSchedule({ days: on ? [...draft.schedule.days, day] : draft.schedule.days.filter((d) => d !== day) });

  const save = async () => {
    const parsed = parseSettingsDraft(draft);
    setErrors(parsed.ok ? {} : parsed.errors);
    setFailure(null);
    if (!parsed.ok) return;
    const changes = changedSettings(store.getState().settings ?? settings, parsed.settings);
    if (Object.keys(changes).length === 0) return close();
    setBusy(true);
    try {
      // A folder that cannot take downloads is said beside its field before anything is saved.
      if (changes.downloadDir !== undefined) {
        const { problem } = await api.invoke('checkFolder', { path: changes.downloadDir });
        if (problem !== null) {
          setErrors({ downloadDir: problem });
          setBusy(false);
          return;
        }
      }
      store.getState().setSettings(await api.invoke('setSettings', changes));
      close();
    } catch (err) {
      // The dialog stays open with everything typed, so nothing is lost.
      setFailure(errorMessage(err));
      setBusy(false);
    }
  };

  const errorCount = Object.keys(errors).length;
  return (
    <Dialog
      title="Settings"
      wide
      onClose={close}
      actions={
        <>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void save()}>
            Save
          </button>
        </>
      }
    >
      <form
        className="settings"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset>
          <legend>Downloads and connections</legend>
          <TextField label="Download folder" inputMode="text" wide value={draft.downloadDir} error={errors.downloadDir} onChange={(downloadDir) => set({ downloadDir })} />
          <TextField label="Incomplete-downloads folder" inputMode="text" wide value={draft.incompleteDir} error={errors.incompleteDir} onChange={(incompleteDir) => set({ incompleteDir })} hint={<small className="muted">empty: download straight to the save folder</small>} />
          <TextField label="Watch folder" inputMode="text" wide value={draft.watchDir} error={errors.watchDir} onChange={(watchDir) => set({ watchDir })} hint={<small className="muted">new .torrent files there are added; empty: none</small>} />
          <SelectField label="Added .torrent files" value={draft.watchAfterAdd} options={watchAfterAddOptions} onChange={(watchAfterAdd) => set({ watchAfterAdd })} />
          <TextField label="Listening port" value={draft.listenPort} error={errors.listenPort} onChange={(listenPort) => set({ listenPort })} hint={<small className="muted">0 picks a free port</small>} />
          <CheckField label="Forward the port on the router (UPnP, NAT-PMP)" checked={draft.portForwarding} onChange={(portForwarding) => set({ portForwarding })} />
          <CheckField label="Find peers through the DHT" checked={draft.dht} onChange={(dht) => set({ dht })} />
          <CheckField label="Exchange peers with peers (PEX)" checked={draft.pex} onChange={(pex) => set({ pex })} />
          <CheckField label="Find peers on the local network (LSD)" checked={draft.lsd} onChange={(lsd) => set({ lsd })} />
          <CheckField label="Connect over TCP" checked={draft.tcp} onChange={(tcp) => set({ tcp })} />
          <CheckField label="Connect over uTP" checked={draft.utp} error={errors.transports} onChange={(utp) => set({ utp })} />
          <SelectField label="Encryption" value={draft.encryption} options={encryptionModes} onChange={(encryption) => set({ encryption })} />
          <TextField label="Connections per torrent" value={draft.maxConnections} error={errors.maxConnections} onChange={(maxConnections) => set({ maxConnections })} />
          <TextField label="Read cache (MiB, all torrents)" value={draft.readCache} error={errors.readCache} onChange={(readCache) => set({ readCache })} />
          <SelectField label="Theme" value={draft.theme} options={themes} onChange={(theme) => set({ theme })} />
          <CheckField label="Run the embedded tracker" checked={draft.trackerEnabled} onChange={(trackerEnabled) => set({ trackerEnabled })} />
          <TextField label="Tracker port" value={draft.trackerPort} error={errors.trackerPort} onChange={(trackerPort) => set({ trackerPort })} />
        </fieldset>

        <fieldset>
          <legend>Speed limits</legend>
          <RateField label="Download limit" value={draft.speed.down} error={errors['speed.down']} onChange={(down) => set({ speed: { ...draft.speed, down } })} />
          <RateField label="Upload limit" value={draft.speed.up} error={errors['speed.up']} onChange={(up) => set({ speed: { ...draft.speed, up } })} />
        </fieldset>

        <fieldset>
          <legend>Alternative speed limits</legend>
          <RateField label="Alternative download limit" value={draft.altSpeed.down} error={errors['altSpeed.down']} onChange={(down) => set({ altSpeed: { ...draft.altSpeed, down } })} />
          <RateField label="Alternative upload limit" value={draft.altSpeed.up} error={errors['altSpeed.up']} onChange={(up) => set({ altSpeed: { ...draft.altSpeed, up } })} />
          <CheckField label="Use the alternative limits now" checked={draft.altSpeedEnabled} onChange={(altSpeedEnabled) => set({ altSpeedEnabled })} />
          <CheckField label="Use them on a schedule" checked={draft.schedule.enabled} onChange={(enabled) => setSchedule({ enabled })} />
          <div className="form-row">
            <span className="form-label" id={daysId}>
              Days
            </span>
            <span className="form-control">
              <span className="days" role="group" aria-labelledby={daysId}>
                {days.map((d) => (
                  <label key={d.day} className="day" title={d.name}>
                    <input type="checkbox" aria-label={d.name} checked={draft.schedule.days.includes(d.day)} disabled={!draft.schedule.enabled} onChange={(e) => toggleDay(d.day, e.target.checked)} />
                    {d.short}
                  </label>
                ))}
              </span>
              {errors['schedule.days'] !== undefined && <span className="field-error">{errors['schedule.days']}</span>}
            </span>
          </div>
          <TextField label="From" type="time" value={draft.schedule.from} error={errors['schedule.from']} onChange={(from) => setSchedule({ from })} />
          <TextField label="To" type="time" value={draft.schedule.to} error={errors['schedule.to']} onChange={(to) => setSchedule({ to })} />
        </fieldset>

        <fieldset>
          <legend>Seeding limits</legend>
          <ShareLimitsFields field="share" value={draft.share} errors={errors} onChange={(share) => set({ share })} />
        </fieldset>

        <fieldset>
          <legend>Queue</legend>
          <TextField label="Max active downloads" value={draft.queue.maxActiveDownloads} error={errors['queue.maxActiveDownloads']} onChange={(maxActiveDownloads) => setQueue({ maxActiveDownloads })} hint={<small className="muted">0 for no limit</small>} />
          <TextField label="Max active seeds" value={draft.queue.maxActiveSeeds} error={errors['queue.maxActiveSeeds']} onChange={(maxActiveSeeds) => setQueue({ maxActiveSeeds })} />
          <TextField label="Max active torrents" value={draft.queue.maxActiveTorrents} error={errors['queue.maxActiveTorrents']} onChange={(maxActiveTorrents) => setQueue({ maxActiveTorrents })} />
          <TextField label="Stalled after (minutes)" value={draft.queue.stalledMinutes} error={errors['queue.stalledMinutes']} onChange={(stalledMinutes) => setQueue({ stalledMinutes })} hint={<small className="muted">a torrent moving no data gives its slot away; 0 never</small>} />
        </fieldset>
        {/* Enter in any field saves, as in other dialogs. */}
        <button type="submit" hidden />
      </form>
      {errorCount > 0 && (
        <p role="alert" className="inline-error">
          {errorCount === 1 ? 'One field needs fixing' : `${errorCount} fields need fixing`} before the settings can be saved.
        </p>
      )}
      <InlineError message={failure} />
    </Dialog>
  );
}
