/**
 * The stargz snapshotter daemon, which Debian does not ship (its stargz-snapshotter package has only
 * ctr-remote). Upstream's cmd/containerd-stargz-grpc is a module of its own that is not published on
 * the Go module proxy, so `go install …@version` cannot fetch it; bench/stargz-grpc is a small
 * server of ours over the published library instead, built with the Go module proxy once and kept
 * in a cache folder named by the library version and the digest of its sources.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '../../digest.ts';
import { run } from '../../exec/run.ts';

/**
 * github.com/containerd/stargz-snapshotter, as required by bench/stargz-grpc/go.mod. v0.19.1 is the
 * newest on the proxy and is made for Go 1.26 (its go.mod says go 1.26.6; this machine has 1.26.8);
 * it serves containerd's snapshots v1 gRPC API, which containerd 1.6 calls as a proxy plugin, and it
 * reads the eStargz that Debian's ctr-remote 0.12 writes (the TOC format has not changed).
 */
export const STARGZ_SNAPSHOTTER_VERSION = 'v0.19.1';

export const STARGZ_GRPC_SOURCE = fileURLToPath(new URL('../../../bench/stargz-grpc/', import.meta.url));
const SOURCE_FILES = ['go.mod', 'go.sum', 'main.go'] as const;

/** The module version a go.mod requires, or undefined. */
export function requiredVersion(goMod: string, module: string): string | undefined {
  for (const line of goMod.split('\n')) {
    const words = line.replace(/\/\/.*$/, '').trim().replace(/^require\s+/, '').split(/\s+/);
    if (words[0] === module && words[1]) return words[1];
  }
  return undefined;
}

/** The folder a build of these sources is kept in: the version and the first 12 hex of their digest. */
export function buildFolder(cacheRoot: string, version: string, sources: readonly string[]): string {
  return join(cacheRoot, `stargz-grpc-${version}-${sha256(sources.join('\0')).slice(0, 12)}`);
}

export function defaultCacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dockerd-extra');
}

export interface SnapshotterBuild {
  binary: string;
  goVersion: string;
  built: boolean;
}

/** The snapshotter binary, built now if the cache has none for these sources. */
export async function ensureStargzSnapshotter(options: { cacheRoot?: string; logFile: string; signal?: AbortSignal }): Promise<SnapshotterBuild> {
  const sources = await Promise.all(SOURCE_FILES.map((name) => readFile(join(STARGZ_GRPC_SOURCE, name), 'utf8')));
  const folder = buildFolder(options.cacheRoot ?? defaultCacheRoot(), STARGZ_SNAPSHOTTER_VERSION, sources);
  const binary = join(folder, 'stargz-grpc');
  const goVersion = (await run('go', ['env', 'GOVERSION'], { cwd: '/', timeoutMs: 30_000 })).stdout.trim();
  if (existsSync(binary)) return { binary, goVersion, built: false };

  // Built in a folder of its own (the repository stays untouched), then moved into place whole.
  const staging = `${folder}.build-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    for (const name of SOURCE_FILES) await copyFile(join(STARGZ_GRPC_SOURCE, name), join(staging, name));
    await run('nice', ['-n', '10', 'go', 'build', '-trimpath', '-o', join(staging, 'stargz-grpc'), '.'], {
      cwd: staging,
      // GOTOOLCHAIN=local: an older Go fails with a clear message instead of fetching a toolchain.
      env: { GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
      timeoutMs: 30 * 60_000,
      signal: options.signal,
      logFile: options.logFile,
    });
    await rm(folder, { recursive: true, force: true });
    await rename(staging, folder);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { binary, goVersion, built: true };
}
