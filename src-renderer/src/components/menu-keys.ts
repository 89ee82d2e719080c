/** The items a menu's keys move between: its enabled menu items, in order. */
const items = (menu: HTMLElement | null): HTMLElement[] => [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([disabled])') ?? [])];

/** Focus to a menu's first enabled item, as it opens. */
export function focusFirstItem(menu: HTMLElement | null): void {
  items(menu)[0]?.focus();
}

/** A menu's keys (WAI-ARIA menu pattern): the arrows move between its items, wrapping; Escape or Tab closes it. */
export function onMenuKey(e: React.KeyboardEvent, menu: HTMLElement | null, close: () => void): void {
  const all = items(menu);
  const at = all.indexOf(document.activeElement as HTMLElement);
  const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
  if (e.key === 'Escape' || e.key === 'Tab') {
    e.preventDefault();
    close();
  } else if (step !== 0 && all.length > 0) {
    e.preventDefault();
    all[(at + step + all.length) % all.length]!.focus();
  }
}
