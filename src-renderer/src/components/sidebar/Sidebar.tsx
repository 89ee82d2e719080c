import { useMemo, useState } from 'react';
import { stateFilters, type LabelFilter, type StateFilter } from '../../store/list-view';
import { useShoal, useShoalStore } from '../../store/store';
import { CategoriesDialog } from './CategoriesDialog';
import { countLabels, type LabelKind } from './sidebar-counts';

const sections: readonly { kind: LabelKind; title: string; none: string }[] = [
  { kind: 'category', title: 'Categories', none: 'Uncategorized' },
  { kind: 'tag', title: 'Tags', none: 'Untagged' },
  { kind: 'tracker', title: 'Trackers', none: 'Trackerless' },
];

const stateLabel: Record<StateFilter, string> = { all: 'All', downloading: 'Downloading', seeding: 'Seeding', paused: 'Paused', error: 'Error' };

const key = (f: LabelFilter | undefined): string => JSON.stringify(f ?? null);

/** Filters the list by state, category, tag and tracker host, each entry with its count. */
export function Sidebar() {
  const store = useShoalStore();
  const torrents = useShoal((s) => s.torrents);
  const filter = useShoal((s) => s.filter);
  const stateCounts = useShoal((s) => s.counts);
  const categories = useShoal((s) => s.settings?.categories);
  const [managing, setManaging] = useState(false);
  const counts = useMemo(() => {
    const rows = [...torrents.values()];
    return { category: countLabels(rows, 'category', Object.keys(categories ?? {})), tag: countLabels(rows, 'tag'), tracker: countLabels(rows, 'tracker') };
  }, [torrents, categories]);

  const choose = (kind: LabelKind, value: LabelFilter) => store.getState().setFilter({ ...store.getState().filter, [kind]: value });

  return (
    <nav className="sidebar" aria-label="Filters">
      <section aria-labelledby="sidebar-state">
        <h2 id="sidebar-state">Status</h2>
        <div role="group" aria-label="Filter by state">
          <ul>
            {stateFilters.map((f) => (
              <li key={f}>
                <button type="button" aria-pressed={filter.state === f} onClick={() => store.getState().setFilter({ ...store.getState().filter, state: f })}>
                  <span className="ellipsis">{stateLabel[f]}</span> <span className="count">{stateCounts[f]}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      </section>
      {sections.map(({ kind, title, none }) => {
        const c = counts[kind];
        const entries: [string, LabelFilter, number][] = [
          ['All', null, c.all],
          ...c.names.map(([name, n]): [string, LabelFilter, number] => [name, { kind: 'is', name }, n]),
          [none, { kind: 'none' }, c.none],
        ];
        return (
          <section key={kind} aria-labelledby={`sidebar-${kind}`}>
            <h2 id={`sidebar-${kind}`}>{title}</h2>
            <ul>
              {entries.map(([label, value, n]) => (
                <li key={key(value)}>
                  <button type="button" aria-pressed={key(filter[kind]) === key(value)} onClick={() => choose(kind, value)}>
                    <span className="ellipsis">{label}</span> <span className="count">{n}</span>
                  </button>
                </li>
              ))}
            </ul>
            {kind === 'category' && (
              <button type="button" className="link" onClick={() => setManaging(true)}>
                Manage categories…
              </button>
            )}
          </section>
        );
      })}
      {managing && <CategoriesDialog onClose={() => setManaging(false)} />}
    </nav>
  );
}
