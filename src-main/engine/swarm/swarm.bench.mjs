// npm run bench:swarm — Shoal as a leecher beside aria2c, Transmission and qBittorrent, 1 GiB from
// the same aria2 seeder on loopback (../shared/bench/swarm-bench.sh), then Shoal alone on 4 GiB to
// show its memory stays flat in the torrent's size, then a Shoal seeder with Shoal and qBittorrent
// as leechers. Prints measured figures (CPU seconds per GiB, peak RSS) and ratios.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const harness = join(root, '..', 'shared', 'bench', 'swarm-bench.sh');
const cli = join(root, 'dist', 'cli.js');
const runs = process.env.BENCH_RUNS ?? '3';
const shoal = `node ${cli} download {torrent} -o {out} --port {port} --json`;

function bench(size, leechers, runCount, seeder) {
  const workdir = mkdtempSync(join(tmpdir(), 'shoal-bench-'));
  const results = join(workdir, 'all.tsv');
  const args = ['--size', size, '--runs', runCount, '--workdir', workdir, '--results', results, '--timeout', '3000', ...(seeder ? ['--seeder', seeder] : [])];
  for (const [spec, label] of leechers) args.push('--leecher', spec, ...(label ? ['--label', label] : []));
  console.error(`bench: ${size} from ${seeder ?? 'aria2'} with ${leechers.map(([s, l]) => l ?? s).join(', ')}, ${runCount} run(s) each`);
  // The Shoal seeder preset (../shared/bench/clients/shoal.sh) runs the CLI named here.
  const r = spawnSync(harness, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, SHOAL_CLI: cli } });
  if (r.status !== 0) throw new Error(`swarm-bench.sh exited with ${r.status}`);
  const rows = readFileSync(results, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const head = rows.shift();
  rmSync(workdir, { recursive: true, force: true });
  return rows.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i]])));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function summarize(rows) {
  const by = new Map();
  for (const r of rows) {
    if (r.verified !== 'yes') continue;
    const list = by.get(r.label) ?? [];
    list.push(r);
    by.set(r.label, list);
  }
  return new Map(
    [...by].map(([label, list]) => [
      label,
      {
        runs: list.length,
        mbps: median(list.map((r) => Number(r.MBps))),
        rss: median(list.map((r) => Number(r.peak_rss_MiB))),
        anon: median(list.map((r) => Number(r.peak_anon_MiB))),
        cpu: median(list.map((r) => Number(r.cpu_s))),
        cpuPerGiB: median(list.map((r) => Number(r.cpu_s) / (Number(r.bytes) / 2 ** 30))),
        seederCpu: median(list.map((r) => Number(r.seeder_cpu_s))),
      },
    ]),
  );
}

const oneGiB = summarize(
  bench('1G', [[shoal, 'shoal'], ['aria2'], ['transmission-cli', 'transmission'], ['qbittorrent']], runs),
);
const fourGiB = summarize(bench('4G', [[shoal, 'shoal']], '1'));
const fromShoal = summarize(bench('1G', [[shoal, 'shoal'], ['qbittorrent']], runs, 'shoal'));

const us = oneGiB.get('shoal');
if (!us) throw new Error('no verified Shoal run');
const lines = [
  `1 GiB from one aria2 seeder on loopback, median of ${runs} runs (ratios: Shoal ÷ other; MB/s above 1, CPU and memory below 1 favour Shoal)`,
  '',
  '| client | MB/s | peak RSS MiB | peak anon MiB | CPU s | CPU s per GiB | Shoal MB/s ratio | Shoal CPU ratio | Shoal RSS ratio |',
  '|---|---|---|---|---|---|---|---|---|',
];
for (const [label, s] of oneGiB) {
  lines.push(
    `| ${label} | ${s.mbps.toFixed(1)} | ${s.rss.toFixed(1)} | ${s.anon.toFixed(1)} | ${s.cpu.toFixed(2)} | ${s.cpuPerGiB.toFixed(2)} | ${(us.mbps / s.mbps).toFixed(2)} | ${(us.cpuPerGiB / s.cpuPerGiB).toFixed(2)} | ${(us.rss / s.rss).toFixed(2)} |`,
  );
}
const others = [...oneGiB].filter(([l]) => l !== 'shoal').map(([, s]) => s.mbps);
const best = Math.max(...others);
const aria2 = oneGiB.get('aria2');
const big = fourGiB.get('shoal');
lines.push('');
lines.push(`Shoal ${us.mbps.toFixed(1)} MB/s vs best other ${best.toFixed(1)} MB/s: ratio ${(us.mbps / best).toFixed(2)} (bar ≥ 1.00)`);
if (aria2) lines.push(`Shoal ${us.cpuPerGiB.toFixed(2)} CPU s per GiB vs aria2c ${aria2.cpuPerGiB.toFixed(2)}: ratio ${(us.cpuPerGiB / aria2.cpuPerGiB).toFixed(2)} (goal ≤ 1.30)`);
lines.push(`Shoal peak RSS 1 GiB: ${us.rss.toFixed(1)} MiB (goal ≤ 90)`);
if (big) lines.push(`Shoal peak RSS 4 GiB: ${big.rss.toFixed(1)} MiB, ${big.mbps.toFixed(1)} MB/s, ${big.cpuPerGiB.toFixed(2)} CPU s per GiB; 4 GiB ÷ 1 GiB RSS = ${(big.rss / us.rss).toFixed(2)} (bar within 10%)`);
lines.push('');
lines.push(`1 GiB from one Shoal seeder (default settings: encryption preferred), median of ${runs} runs`);
lines.push('');
lines.push('| leecher | MB/s | peak RSS MiB | leecher CPU s per GiB | seeder CPU s |');
lines.push('|---|---|---|---|---|');
for (const [label, s] of fromShoal) lines.push(`| ${label} | ${s.mbps.toFixed(1)} | ${s.rss.toFixed(1)} | ${s.cpuPerGiB.toFixed(2)} | ${s.seederCpu.toFixed(2)} |`);
const shoalToShoal = fromShoal.get('shoal');
if (shoalToShoal) lines.push('', `Shoal seeder → Shoal leecher: ${shoalToShoal.mbps.toFixed(1)} MB/s (goal ≥ 500)`);
console.log(lines.join('\n'));
