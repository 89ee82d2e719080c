import { useShoal } from '../store/store';

/** Errors as alerts and happenings as status messages, each dismissable. */
export function Notices() {
  const notices = useShoal((s) => s.notices);
  const dismiss = useShoal((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'}>
          <span>{n.message}</span>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
