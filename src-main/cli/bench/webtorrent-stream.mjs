// webtorrent's own streaming server for bench:stream: the library (set up by
// ../shared/bench/clients/setup-webtorrent.sh) downloads TORRENT into DIR and serves its files over
// HTTP on 127.0.0.1; prints the address of the largest file once the metadata is known.
//   node webtorrent-stream.mjs TORRENT DIR
// DHT, LSD, UPnP, NAT-PMP, uTP and web seeds are off, as in the swarm bench's webtorrent preset.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [torrentPath, dir] = process.argv.slice(2);
const home = process.env.WEBTORRENT_HOME ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'swarm-bench', 'webtorrent');
const { default: WebTorrent } = await import(pathToFileURL(path.join(home, 'node_modules', 'webtorrent', 'index.js')).href);

const client = new WebTorrent({ dht: false, lsd: false, natUpnp: false, natPmp: false, utp: false, webSeeds: false, torrentPort: 0 });
client.on('error', (err) => {
  console.error('client error:', err.message ?? err);
  process.exit(1);
});
const server = client.createServer({ hostname: '127.0.0.1' });
server.listen(0, '127.0.0.1');
const torrent = client.add(fs.readFileSync(torrentPath), { path: dir });
torrent.on('ready', () => {
  const file = torrent.files.reduce((a, b) => (b.length > a.length ? b : a));
  const { port } = server.server.address();
  console.log(`http://127.0.0.1:${port}/webtorrent/${torrent.infoHash}/${file.path.split(path.sep).map(encodeURIComponent).join('/')}`);
});
const stop = () => client.destroy(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
