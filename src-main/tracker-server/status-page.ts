import type { SwarmStore } from './swarm-store';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!);
}

/** The tracker's `/` page: one row per torrent (at most `limit`), every value escaped. */
export function statusPage(store: SwarmStore, limit: number): string {
  const rows: string[] = [];
  for (const swarm of store.swarms(limit)) {
    rows.push(
      `<tr><td><code>${escapeHtml(swarm.hex)}</code></td><td>${swarm.seeders}</td><td>${swarm.leechers}</td><td>${swarm.downloaded}</td></tr>`,
    );
  }
  const more = store.swarmCount > limit ? `<p>Showing ${limit} of ${store.swarmCount} torrents.</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shoal tracker</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:right}td:first-child{text-align:left}</style>
</head><body>
<h1>Shoal tracker</h1>
<p>${store.swarmCount} torrents, ${store.peerCount} peers.</p>
<table><thead><tr><th>info-hash</th><th>seeders</th><th>leechers</th><th>downloads</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
${more}</body></html>
`;
}
