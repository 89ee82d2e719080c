// Test support: Debian's nginx serving a folder on an ephemeral 127.0.0.1 port, as the current
// user, with its own prefix, pid and logs in a temporary folder (a real HTTP server with Range
// support, for web seed tests).
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort, startProcess, tempDir, waitFor } from './processes';

export interface Nginx {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  stop(): Promise<void>;
}

/** Serves `root`; paths under `/slow/` are served from `root` too, at `slowRate` (nginx `limit_rate`). */
export async function startNginx(root: string, options: { slowRate?: string } = {}): Promise<Nginx> {
  const port = await freePort();
  const dir = await tempDir('nginx');
  await mkdir(join(dir.path, 'tmp'));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${join(dir.path, 'tmp', k)};`).join('\n  ');
  const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${join(dir.path, 'nginx.pid')};
error_log ${join(dir.path, 'error.log')} warn;
events { worker_connections 64; }
http {
  access_log off;
  ${temp}
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location /slow/ { alias ${root}/; limit_rate ${options.slowRate ?? '256k'}; }
  }
}
`;
  const confPath = join(dir.path, 'nginx.conf');
  await writeFile(confPath, conf);
  const proc = startProcess('nginx', ['-p', dir.path, '-e', join(dir.path, 'error.log'), '-c', confPath]);
  const url = `http://127.0.0.1:${port}/`;
  const stop = async (): Promise<void> => {
    await proc.stop();
    await dir.remove();
  };
  try {
    await waitFor('nginx to answer', () => answers(url), 10_000, 100);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${proc.output()}`);
  }
  return { url, stop };
}

function answers(url: string): Promise<true | undefined> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('error', () => resolve(undefined));
    req.end();
  });
}
