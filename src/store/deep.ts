/**
 * `store check --deep`: the engine itself re-hashes the store. A private patched dockerd (a temp
 * data-root, its own socket, no network set-up) is started with the store as its extra storage in
 * `"verify": "content"` mode, and pulls one NAME:TAG-extra per image. Each pull runs the engine's
 * own checks and, for every layer, rebuilds the layer's tar from tar-split.json.gz and the linked
 * files (layer.checkContent, as `docker save` would) and compares its sha256 with the diffID; a
 * layer shared by several images is hashed once. Nothing is written to the store (the engine never
 * does) and the temp data-root is removed after. What comes back over the API is the daemon's error
 * text, so the path a finding names is taken from it (the store's own paths are recognizable).
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from '../e2e/daemon.ts';
import { daemonConfigFor, withLineConfig } from '../e2e/engine-line.ts';
import { findDockerCli, inspectImageId } from '../e2e/docker.ts';
import { DeepCheckUnavailableError } from './errors.ts';
import { finding, type StoreFinding } from './finding.ts';
import { imageConfigPath } from './limits.ts';
import type { StoreContents } from './read.ts';

export interface DeepOptions {
  /** The patched dockerd of the store's engine line. */
  dockerd: string;
  signal: AbortSignal;
  /** Told before each image's pull. */
  onImage?: (pullName: string, index: number, total: number) => void;
}

export interface DeepReport {
  /** Images re-hashed by a pull. */
  checked: string[];
  /** Images not pulled, with why (already failing the structural rules, or no pull name). */
  skipped: { id: string; reason: string }[];
  findings: StoreFinding[];
}

interface Pull {
  id: string;
  name: string;
  /** Passed as --platform: the engine refuses a store image for another platform than the host's. */
  platform: string | undefined;
  bytes: number;
}

/** LinkTimeout's own rate (16 MiB/s) with room to spare, on top of a generous minute. */
const pullTimeoutMs = (bytes: number) => 60_000 + Math.ceil(bytes / (8 * 2 ** 20)) * 1000;

export async function deepCheck(contents: StoreContents, options: DeepOptions): Promise<DeepReport> {
  await requireDeepTools(options.dockerd);
  const report: DeepReport = { checked: [], skipped: [], findings: [] };
  const pulls: Pull[] = [];
  for (const img of contents.images) {
    const name = img.tags.find((t) => t.pullName !== undefined)?.pullName;
    if (!img.ok) report.skipped.push({ id: img.id, reason: 'fails the structural rules above; fix them first' });
    else if (!name) report.skipped.push({ id: img.id, reason: 'no tag names it, so no pull can reach it' });
    else pulls.push({ id: img.id, name, platform: img.platform, bytes: img.chainIds.reduce((n, c) => n + (contents.layers.get(c)?.size ?? 0), 0) });
  }
  if (pulls.length === 0) return report;
  const dir = await mkdtemp(join(tmpdir(), 'dockerd-extra-deep-'));
  let daemon: Daemon | undefined;
  let keepLogs = false;
  try {
    const line = await daemonConfigFor(options.dockerd, options.signal);
    daemon = await startDaemon({
      name: 'store-deep-check',
      binary: options.dockerd,
      dir,
      dataRoot: join(dir, 'root'),
      config: withLineConfig(line.config, { 'extra-storage': { path: contents.root, verify: 'content' } }),
      dockerCli: await findDockerCli(),
      logDir: join(dir, 'logs'),
    }).catch((error: unknown) => {
      keepLogs = true;
      throw error;
    });
    for (const [i, pull] of pulls.entries()) {
      options.signal.throwIfAborted();
      options.onImage?.(pull.name, i, pulls.length);
      report.findings.push(...(await pullOne(daemon, contents.root, pull, options.signal)));
      report.checked.push(pull.id);
    }
  } finally {
    await daemon?.stop();
    if (!keepLogs) await rm(dir, { recursive: true, force: true });
  }
  return report;
}

async function pullOne(daemon: Daemon, store: string, pull: Pull, signal: AbortSignal): Promise<StoreFinding[]> {
  const platform = pull.platform ? ['--platform', pull.platform] : [];
  const result = await daemon.docker.call(['pull', '--quiet', ...platform, pull.name], { reject: false, timeoutMs: pullTimeoutMs(pull.bytes), signal });
  if (result.exitCode === 0) {
    const id = await inspectImageId(daemon.docker, pull.name);
    if (id === pull.id) return [];
    return [finding(imageConfigPath(pull.id), 'pull', `pulling ${pull.name} gave image ${id ?? 'none'}, not ${pull.id}`)];
  }
  const message = (result.stderr || result.stdout).trim().replace(/^Error response from daemon:\s*/, '').split('\n').at(-1) ?? '';
  const rule = /refusing layer .* \(diffID /.test(message) ? 'content' : 'pull';
  return [finding(storePathIn(message, store) ?? imageConfigPath(pull.id), rule, `pulling ${pull.name}: ${message}`)];
}

/** The first path below the store in an engine message, relative to the store. */
export function storePathIn(message: string, store: string): string | undefined {
  const at = message.indexOf(`${store}/`);
  if (at === -1) return undefined;
  const rel = /^[^\s:,;'"()]+/.exec(message.slice(at + store.length + 1))?.[0];
  return rel && !rel.split('/').includes('..') ? rel : undefined;
}

async function requireDeepTools(dockerd: string): Promise<void> {
  if (process.getuid?.() !== 0) throw new DeepCheckUnavailableError('root', 'it runs the patched dockerd against the store, which needs root; run it as root, or drop --deep');
  if (!(await access(dockerd).then(() => true, () => false))) {
    throw new DeepCheckUnavailableError('dockerd', `no patched dockerd at ${dockerd}; build one (npm run build-dockerd) or pass --dockerd PATH`);
  }
  if (!(await access(await findDockerCli()).then(() => true, () => false))) {
    throw new DeepCheckUnavailableError('docker', 'the docker CLI was not found on PATH; install docker-ce-cli');
  }
}
