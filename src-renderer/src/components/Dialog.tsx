import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

interface DialogProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Buttons row. */
  actions: ReactNode;
  wide?: boolean;
}

const focusable = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
const modal = '[role="dialog"][aria-modal="true"]';

/** A modal dialog is open: what would open another (a shortcut, a menu command) waits until it closes. */
export function dialogOpen(): boolean {
  return document.querySelector(modal) !== null;
}

/**
 * A modal dialog: labelled, in a layer above the page, which is inert meanwhile (no Tab, click or
 * screen reader reaches it). Escape closes it and Tab stays in it wherever focus is, even after the
 * focused button was disabled under it; focus returns where it was.
 */
export function Dialog({ title, onClose, children, actions, wide }: DialogProps) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const behind = [...document.body.children].filter((el) => !el.contains(dialog) && !el.hasAttribute('inert'));
    for (const el of behind) el.setAttribute('inert', '');
    // `data-autofocus` marks the control to start on; otherwise the first focusable one.
    (dialog.querySelector<HTMLElement>('[data-autofocus]:not([disabled])') ?? dialog.querySelector<HTMLElement>(focusable))?.focus();

    const onKey = (e: KeyboardEvent) => {
      // Only the topmost dialog answers.
      if ([...document.querySelectorAll(modal)].at(-1) !== dialog) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        onCloseRef.current();
        return;
      }
      if (e.key !== 'Tab') return;
      const items = [...dialog.querySelectorAll<HTMLElement>(focusable)];
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return;
      const inside = document.activeElement !== null && dialog.contains(document.activeElement);
      if (!inside || (e.shiftKey && document.activeElement === first) || (!e.shiftKey && document.activeElement === last)) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      for (const el of behind) el.removeAttribute('inert');
      previous?.focus();
    };
  }, []);

  return createPortal(
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className={wide ? 'dialog wide' : 'dialog'} role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <h2 id={titleId}>{title}</h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">{actions}</div>
      </div>
    </div>,
    document.body,
  );
}
