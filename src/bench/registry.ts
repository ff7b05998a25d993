/**
 * A loopback registry (Debian's docker-registry, distribution v2) on 127.0.0.1, which dockerd treats
 * as insecure-allowed by default, so no TLS and no daemon option is needed to push and pull.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import { sleep } from '../e2e/processes.ts';

export interface Registry {
  address: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startRegistry(dir: string, logFile: string): Promise<Registry> {
  await mkdir(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  await writeFile(config, `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: ${address}\n`);
  const controller = new AbortController();
  // Stopping aborts the run, which then rejects with CancelledError: that is the expected end here.
  const done = run('docker-registry', ['serve', config], { cwd: dir, logFile, signal: controller.signal, reject: false }).catch(() => undefined);
  const stop = async () => {
    controller.abort();
    await Promise.race([done, sleep(5000)]);
  };
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${address}/v2/`).then((r) => r.ok, () => false);
    if (ok) return { address, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`docker-registry did not answer on ${address}; see ${logFile}`);
}
