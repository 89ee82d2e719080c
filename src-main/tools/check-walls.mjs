// The walls between Shoal's folders (../shared/ARCHITECTURE.md, "Walls"), checked on every
// `npm run lint`: each import is resolved to a file and judged by the folders on both sides.
//
//   node src-main/tools/check-walls.mjs [--root <repo>]
//
// Exits 1 and prints one line per import that crosses a wall, and per Node-side tsconfig that
// lists the DOM lib; `--root` points it at another tree (its test feeds it a made-up one).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const scanned = ['src-main', 'src-shared', 'src-renderer', 'e2e'];
const sourceFile = /\.(?:[cm]?ts|tsx|[cm]?js)$/;
const resolvable = ['', '.ts', '.tsx', '.mts', '.mjs', '.js', '/index.ts', '/index.tsx'];

/** Which room of the house a repository path is in. */
function zoneOf(path) {
  const [top, second] = path.split('/');
  if (top === 'src-renderer') return 'renderer';
  if (top === 'src-shared') return 'shared';
  if (top === 'e2e') return 'e2e';
  if (top !== 'src-main') return 'outside';
  if (second === 'engine' || second === 'tracker-server') return 'engine';
  if (second === 'cli.ts') return 'cli';
  return ['host', 'transport', 'serve', 'cli', 'app', 'testing', 'tools'].includes(second) ? second : 'outside';
}

/** Layer order: a zone may import its own rank and below, never above (no upward arrow). */
const rank = { shared: 0, engine: 1, host: 2, transport: 2, cli: 3, serve: 3, app: 3 };

/**
 * Inside the engine, folders in layers from the bottom up: a folder imports only from layers below
 * its own, never sideways or up. The engine's own files (torrent, session and their parts) sit on
 * top. A folder not listed here is not judged until it is given its layer. Tests may reach up: a
 * folder's part is often best shown working inside the torrent or session that uses it.
 */
const engineLayers = [
  ['bencode', 'fs', 'net', 'bandwidth', 'merkle'],
  ['metainfo', 'mse', 'utp'],
  ['storage', 'wire', 'tracker', 'dht', 'portmap', 'picker', 'persistence', 'policy', 'tracker-server'],
  ['discovery', 'webseed', 'stream'],
  ['swarm'],
];

/** The engine folder a path is in (`engine` for the engine's own files), and that folder's layer. */
function engineRoomOf(path) {
  const parts = path.split('/');
  if (parts[0] !== 'src-main') return undefined;
  if (parts[1] === 'tracker-server') return { room: 'tracker-server', layer: 2 };
  if (parts[1] !== 'engine') return undefined;
  if (parts.length === 3) return { room: 'engine', layer: engineLayers.length };
  const layer = engineLayers.findIndex((rooms) => rooms.includes(parts[2]));
  return layer < 0 ? undefined : { room: parts[2], layer };
}

const isTestSupport = (path) => /(^|\/)testing\//.test(path);
const isTest = (path) => /\.(test|spec)\.[cm]?tsx?$/.test(path) || /\.bench\.|(^|\/)bench\//.test(path) || path.startsWith('e2e/');
const isProduction = (path) => !isTest(path) && !isTestSupport(path);
const isNodeBuiltin = (spec) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** The preload bundle must carry names and channels only, never the schemas' libraries. */
const preloadEntry = 'src-main/app/preload.ts';
const schemaPackages = ['zod', '@msgpack/msgpack'];

/**
 * Each rule looks at one import: `from` (repository path of the importing file), and either
 * `to` (the repository path it resolves to) or `pkg` (a bare package name). Returns why it is
 * wrong, or undefined.
 */
const rules = [
  ({ from, to, pkg }) => {
    if (zoneOf(from) !== 'renderer') return;
    if (to && zoneOf(to) !== 'renderer' && zoneOf(to) !== 'shared') return 'the renderer imports only src-shared';
    if (pkg && (pkg === 'electron' || isNodeBuiltin(pkg)) && isProduction(from)) return 'the renderer never sees Node or Electron';
  },
  ({ from, to, pkg }) => {
    if (zoneOf(from) !== 'shared') return;
    // package.json only for the app's version (a named import: bundlers keep that one field).
    if (to && zoneOf(to) !== 'shared' && to !== 'package.json') return 'src-shared imports nothing outside itself';
    if (pkg && (isNodeBuiltin(pkg) || ['electron', 'react', 'react-dom', 'zustand'].includes(pkg))) {
      return 'src-shared runs everywhere: no Node, no Electron, no React';
    }
  },
  ({ from, to, pkg }) => {
    if (zoneOf(from) !== 'engine') return;
    if (pkg === 'electron') return 'the engine is plain Node and never imports electron';
    const zone = to && zoneOf(to);
    if (['app', 'cli', 'serve', 'host', 'transport'].includes(zone)) return `the engine never imports ${zone}/`;
  },
  ({ from, to, pkg }) => {
    const zone = zoneOf(from);
    if (!['cli', 'serve', 'transport', 'host'].includes(zone)) return;
    if (to && zoneOf(to) === 'app') return `${zone}/ never imports the Electron shell (app/)`;
    if (pkg === 'electron') return `${zone}/ is plain Node and never imports electron`;
  },
  ({ from, to }) => {
    if (to && isProduction(from) && isTestSupport(to)) return 'production code never imports test support (testing/)';
  },
  ({ from, to }) => {
    const a = rank[zoneOf(from)];
    const b = to && rank[zoneOf(to)];
    if (a !== undefined && b !== undefined && b > a) return `upward arrow: ${zoneOf(from)} sits below ${zoneOf(to)}`;
  },
  ({ from, to }) => {
    const a = isProduction(from) && engineRoomOf(from);
    const b = to && engineRoomOf(to);
    if (!a || !b || a.room === b.room || b.layer < a.layer) return;
    const where = (r) => (r.room === 'engine' ? 'the engine\'s own files' : `${r.room}/`);
    return b.layer > a.layer
      ? `upward arrow in the engine: ${where(a)} sits below ${where(b)}`
      : `sideways arrow in the engine: ${where(a)} and ${where(b)} share a layer and never import each other`;
  },
  ({ from, to }) => {
    // Inside the renderer: api/ and transport/ <- store/ <- components/ and App.
    const layer = (p) => /^src-renderer\/src\/(api|transport|store|components)\//.exec(p)?.[1];
    const order = { api: 0, transport: 0, store: 1, components: 2 };
    const a = order[layer(from)];
    const b = to && order[layer(to)];
    if (a !== undefined && b !== undefined && b > a) return `upward arrow in the renderer: ${layer(from)}/ sits below ${layer(to)}/`;
  },
];

function walk(root, dir, out) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist' && !entry.name.startsWith('.')) walk(root, path, out);
    } else if (sourceFile.test(entry.name)) {
      out.push(path);
    }
  }
}

/** Every import of a file: specifier, line, and whether it vanishes at compile time. */
function importsOf(path, text) {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false);
  const found = [];
  const add = (node, spec, typeOnly) => {
    found.push({ spec, typeOnly, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? Boolean(node.importClause?.isTypeOnly) : node.isTypeOnly;
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isImport || isRequire) add(node, node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveImport(root, from, spec) {
  const base = resolve(root, dirname(from), spec);
  for (const ext of resolvable) {
    try {
      if (statSync(base + ext).isFile()) return relative(root, base + ext).split(sep).join('/');
    } catch {
      // try the next ending
    }
  }
  // Unresolved: tsc reports it; the folder still says which wall it would cross.
  return relative(root, base).split(sep).join('/');
}

/** All breaches in the tree at `root`, as "path:line: why (import)" lines. */
export function checkWalls(root) {
  const files = [];
  for (const dir of scanned) walk(root, dir, files);
  const breaches = [];
  const graph = new Map();
  for (const from of files) {
    const edges = [];
    for (const { spec, typeOnly, line } of importsOf(from, readFileSync(join(root, from), 'utf8'))) {
      const relativeSpec = spec.startsWith('./') || spec.startsWith('../');
      const to = relativeSpec ? resolveImport(root, from, spec) : undefined;
      const pkg = relativeSpec ? undefined : packageOf(spec);
      edges.push({ to, pkg, typeOnly, line, spec });
      for (const rule of rules) {
        const why = rule({ from, to, pkg });
        if (why) breaches.push(`${from}:${line}: ${why} ('${spec}')`);
      }
    }
    graph.set(from, edges);
  }
  breaches.push(...preloadBreaches(graph));
  breaches.push(...domLibBreaches(root));
  // Engine folders with no layer yet: said (not failed), so a new folder gets its place soon.
  const unplaced = [...new Set(files.map((f) => /^src-main\/engine\/([^/]+)\//.exec(f)?.[1]).filter(Boolean))].filter(
    (room) => !engineLayers.some((rooms) => rooms.includes(room)),
  );
  return { files: files.length, breaches, unplaced };
}

/** Node-side code and the contract compile without the DOM lib, so a browser global is an error. */
function domLibBreaches(root) {
  const breaches = [];
  for (const project of ['src-main/tsconfig.json', 'src-shared/tsconfig.json']) {
    let text;
    try {
      text = readFileSync(join(root, project), 'utf8');
    } catch {
      continue;
    }
    const lib = ts.parseConfigFileTextToJson(project, text).config?.compilerOptions?.lib ?? [];
    if (lib.some((name) => /^dom/i.test(name))) breaches.push(`${project}: compiles without the DOM lib (it lists ${lib.join(', ')})`);
  }
  return breaches;
}

/** Follows the preload's value imports; any path to zod or msgpack is a breach. */
function preloadBreaches(graph) {
  if (!graph.has(preloadEntry)) return [];
  const breaches = [];
  const seen = new Set([preloadEntry]);
  const queue = [[preloadEntry]];
  while (queue.length > 0) {
    const chain = queue.shift();
    for (const edge of graph.get(chain.at(-1)) ?? []) {
      if (edge.typeOnly) continue;
      if (edge.pkg && schemaPackages.includes(edge.pkg)) {
        breaches.push(`${preloadEntry}: the preload imports only names and channels, but ${[...chain, edge.pkg].join(' -> ')} pulls in the schemas`);
      } else if (edge.to && graph.has(edge.to) && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push([...chain, edge.to]);
      }
    }
  }
  return breaches;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--root');
  const root = at >= 0 ? resolve(process.argv[at + 1]) : fileURLToPath(new URL('../../', import.meta.url));
  const { files, breaches, unplaced } = checkWalls(root);
  if (breaches.length > 0) {
    console.error(`walls: ${breaches.length} import(s) cross a wall (see ARCHITECTURE.md, "Walls"):`);
    for (const line of breaches) console.error(`  ${line}`);
    process.exit(1);
  }
  console.log(`walls: ${files} files, no import crosses a wall`);
  for (const room of unplaced) console.log(`walls: engine/${room}/ has no layer yet; give it one in check-walls.mjs (engineLayers)`);
}
