// `npm run bench:ui`: builds the bench page with Vite, serves it on 127.0.0.1, opens it in Debian's
// Chromium and reports frame times while 1,000 torrents update every second, the list scrolls and
// the 100,000-piece map redraws. Also saves light and dark screenshots next to the build.
import { createServer } from 'node:http';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
// BENCH_OUT moves the build, traces and screenshots elsewhere (dist/ is wiped by every `npm run build`).
const outDir = process.env.BENCH_OUT ?? fileURLToPath(new URL('../../dist/bench-ui/', import.meta.url));
const measureMs = Number(process.env.BENCH_MS ?? 10_000);
const budgetMs = 16;

const args = new Set(process.argv.slice(2));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const fmt = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

/** Serves the built page; the path is confined to outDir. */
function serve(root) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Main-thread work per frame from the Chromium trace: the renderer main thread's top-level tasks
 * between consecutive frame begins, summed two ways. `wall` is elapsed time, which on a shared,
 * loaded machine includes time the thread sat preempted by other processes; `cpu` is the thread
 * time the page itself consumed (the trace's `tdur`), which is what the UI's code and rendering cost.
 */
function frameWork(trace) {
  const events = trace.traceEvents ?? [];
  const key = (e) => `${e.pid}:${e.tid}`;
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map(key));
  // The bench page's renderer is the main thread doing the most work.
  const busyByThread = new Map();
  for (const e of events) if (e.ph === 'X' && e.name === 'RunTask' && mainThreads.has(key(e))) busyByThread.set(key(e), (busyByThread.get(key(e)) ?? 0) + (e.dur ?? 0));
  const page = [...busyByThread.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!page) return { wall: [], cpu: [], paints: 0 };
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && key(e) === page).sort((a, b) => a.ts - b.ts);
  const frames = events
    .filter((e) => e.name === 'BeginMainThreadFrame' && key(e) === page)
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  const wall = [];
  const cpu = [];
  let t = 0;
  for (let f = 0; f + 1 < frames.length; f++) {
    const [from, to] = [frames[f], frames[f + 1]];
    let busy = 0;
    let thread = 0;
    while (t < tasks.length && tasks[t].ts + tasks[t].dur <= from) t++;
    for (let k = t; k < tasks.length && tasks[k].ts < to; k++) {
      const task = tasks[k];
      const overlap = Math.min(to, task.ts + task.dur) - Math.max(from, task.ts);
      if (overlap <= 0) continue;
      busy += overlap;
      // A task split across frames is charged its CPU time in proportion.
      thread += (task.tdur ?? task.dur) * (overlap / Math.max(1, task.dur));
    }
    wall.push(busy / 1000);
    cpu.push(thread / 1000);
  }
  // Paints of the page's main thread: one a frame while the list scrolls; more means something
  // else is repainted on every scroll step (a sticky header once was).
  const paints = events.filter((e) => e.ph === 'X' && e.name === 'Paint' && key(e) === page).length;
  return { wall, cpu, paints };
}

console.log('bench:ui: building the bench page…');
await build({
  configFile: false,
  root: here,
  base: './',
  logLevel: 'warn',
  plugins: [react()],
  build: { outDir, emptyOutDir: true, sourcemap: false },
});

const server = await serve(outDir);
const { port } = server.address();
const url = `http://127.0.0.1:${port}/index.html`;
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    console.error(`bench:ui: page error: ${err.message}`);
    failed = true;
  });
  await page.goto(`${url}?tab=pieces`);
  await page.waitForSelector('[data-piece-count="100000"]', { timeout: 20_000 });
  await page.waitForTimeout(2_000); // warm up: JIT, first layouts

  const machine = `${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  console.log(`bench:ui: 1,000 torrents updating every second (sorted by rate, so rows reorder), ${(100_000).toLocaleString('en')}-piece map redrawn every second; ${machine}`);
  for (const scroll of [false, true]) {
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame'] });
    // Runs in the page, where window.shoalBench is defined by bench-main.tsx.
    const sample = await page.evaluate(([ms, s]) => globalThis.shoalBench.measure(ms, s), [measureMs, scroll]);
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
    if (args.has('--trace')) await writeFile(join(outDir, `trace-${scroll ? 'scroll' : 'still'}.json`), JSON.stringify(trace));
    const work = frameWork(trace);
    const deltas = sample.frameDeltas;
    const late = deltas.filter((d) => d > 1.5 * (1000 / 60)).length;
    const p95Cpu = percentile(work.cpu, 95);
    console.log(`${scroll ? 'list scrolling' : 'list still'}, ${fmt(measureMs / 1000)} s (pieces shown: ${sample.pieceCount.toLocaleString('en')}, rows in the DOM: ${sample.rowsRendered}):`);
    console.log(`  frame work, main-thread CPU (trace):  p50 ${fmt(percentile(work.cpu, 50))} ms, p95 ${fmt(p95Cpu)} ms, max ${fmt(Math.max(...work.cpu))} ms over ${work.cpu.length} frames`);
    console.log(`  frame work, wall clock (trace):       p50 ${fmt(percentile(work.wall, 50))} ms, p95 ${fmt(percentile(work.wall, 95))} ms, max ${fmt(Math.max(...work.wall))} ms`);
    console.log(`  paints per frame (trace):             ${(work.paints / Math.max(1, work.cpu.length)).toFixed(2)}`);
    console.log(`  frame interval (rAF deltas):          p50 ${fmt(percentile(deltas, 50))} ms, p95 ${fmt(percentile(deltas, 95))} ms, max ${fmt(Math.max(...deltas))} ms; ${late} of ${deltas.length} frames late (> 25 ms)`);
    console.log(`  long tasks (> 50 ms): ${sample.longTasks.length}${sample.longTasks.length ? `, longest ${fmt(Math.max(...sample.longTasks))} ms` : ''}`);
    const pass = Number.isFinite(p95Cpu) && p95Cpu <= budgetMs;
    console.log(`  bar: p95 main-thread frame work ≤ ${budgetMs} ms → ${pass ? 'PASS' : 'FAIL'}`);
    if (!pass) failed = true;
  }

  // Screenshots, to look at the UI: light and dark, through prefers-color-scheme.
  const shots = join(outDir, 'screenshots');
  await mkdir(shots, { recursive: true });
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const tab of ['pieces', 'general', 'files', 'peers', 'trackers']) {
      await page.getByRole('tab', { name: tab[0].toUpperCase() + tab.slice(1) }).click();
      await page.waitForTimeout(1_200);
      await page.screenshot({ path: join(shots, `${scheme}-${tab}.png`) });
    }
  }
  console.log(`  screenshots: ${shots}`);
} finally {
  await browser.close();
  server.close();
}
process.exitCode = failed ? 1 : 0;
