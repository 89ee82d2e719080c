import { useEffect, useId, useRef, useState } from 'react';
import { focusFirstItem, onMenuKey } from './menu-keys';

export interface OverflowItem {
  label: string;
  disabled?: boolean;
  run(): void;
}

/**
 * "More": the toolbar's actions that do not fit a narrow window, as a menu. Arrows move between
 * items, Escape or a click elsewhere closes it and focus returns to the button.
 */
export function OverflowMenu({ items, className }: { items: readonly OverflowItem[]; className?: string }) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    focusFirstItem(menu.current);
    const onDown = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <div className={`overflow ${className ?? ''}`}>
      <button ref={button} type="button" aria-haspopup="menu" aria-expanded={open} aria-controls={open ? menuId : undefined} onClick={() => setOpen((o) => !o)}>
        More <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div ref={menu} id={menuId} className="menu overflow-menu" role="menu" aria-label="More actions" onKeyDown={(e) => onMenuKey(e, menu.current, close)}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              disabled={item.disabled}
              onClick={() => {
                close();
                item.run();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
