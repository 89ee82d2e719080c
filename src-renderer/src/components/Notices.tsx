import { useEffect } from 'react';
import { useShoal } from '../store/store';
import type { Notice } from '../store/reducers';

/** Happenings (finished, ratio reached) fade on their own; errors stay until dismissed. */
export const infoNoticeMs = 8_000;

function NoticeItem({ notice, dismiss }: { notice: Notice; dismiss(id: number): void }) {
  useEffect(() => {
    if (notice.tone !== 'info') return;
    const timer = setTimeout(() => dismiss(notice.id), infoNoticeMs);
    return () => clearTimeout(timer);
  }, [notice, dismiss]);
  return (
    <div className={`notice ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
      <span>{notice.message}</span>
      <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
        ×
      </button>
    </div>
  );
}

/** Errors as alerts and happenings as status messages, each dismissable. */
export function Notices() {
  const notices = useShoal((s) => s.notices);
  const dismiss = useShoal((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <NoticeItem key={n.id} notice={n} dismiss={dismiss} />
      ))}
    </div>
  );
}
