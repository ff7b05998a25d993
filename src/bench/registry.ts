/**
 * A loopback registry (Debian's docker-registry, distribution v2) on 127.0.0.1, which dockerd treats
 * as insecure-allowed by default, so no TLS and no daemon option is needed to push and pull. Its
 * access log (one combined-format line per request) goes to its log file, where the benchmark reads
 * what each pull took from it.
 */
import { mkdir, open, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import { sleep } from '../e2e/processes.ts';
import { parseAccessLog, type RegistryRequest } from './registry-log.ts';

export interface Registry {
  address: string;
  logFile: string;
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

export function registryConfig(dataDir: string, address: string): string {
  // The access log is on unless disabled; said explicitly because the benchmark's honesty rests on it.
  return `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: ${dataDir}\nhttp:\n  addr: ${address}\n`;
}

export async function startRegistry(dir: string, logFile: string): Promise<Registry> {
  await mkdir(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  await writeFile(config, registryConfig(join(dir, 'data'), address));
  const controller = new AbortController();
  // Stopping aborts the run, which then rejects with CancelledError: that is the expected end here.
  const done = run('docker-registry', ['serve', config], { cwd: dir, logFile, signal: controller.signal, reject: false }).catch(() => undefined);
  const stop = async () => {
    controller.abort();
    await Promise.race([done, sleep(5000)]);
  };
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${address}/v2/`).then((r) => r.ok, () => false);
    if (ok) return { address, logFile, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`docker-registry did not answer on ${address}; see ${logFile}`);
}

/** Where the log ends now: the start of the next window. */
export async function logOffset(logFile: string): Promise<number> {
  return (await stat(logFile)).size;
}

/** The requests logged between two offsets. */
export async function requestsBetween(logFile: string, from: number, to: number): Promise<RegistryRequest[]> {
  const file = await open(logFile, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, to - from));
    await file.read(buffer, 0, buffer.length, from);
    return parseAccessLog(buffer.toString('utf8'));
  } finally {
    await file.close();
  }
}
