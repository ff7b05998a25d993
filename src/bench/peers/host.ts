/**
 * What both peer columns need from the machine: its hard resource limits, (measure.ts drops the page cache),
 * the mounts a peer left under its folder, the versions of the programs it ran. Parsing is pure;
 * the reads and writes are the thin functions next to it.
 */
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { run } from '../../exec/run.ts';
import { parseMountInfo, type MountInfo } from '../../e2e/mounts.ts';

export interface HardLimits {
  /** RLIMIT_NOFILE's hard limit; Infinity for "unlimited". */
  nofile: number;
  /** RLIMIT_NPROC's hard limit; Infinity for "unlimited". */
  nproc: number;
}

/** The hard limits of open files and processes from a /proc/PID/limits text. */
export function parseHardLimits(text: string): HardLimits {
  const hard = (name: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(name));
    // The columns are: name (several words), soft, hard, units.
    const value = line?.slice(name.length).trim().split(/\s+/)[1];
    if (value === undefined) throw new Error(`no "${name}" line in the limits`);
    if (value === 'unlimited') return Infinity;
    if (!/^\d+$/.test(value)) throw new Error(`"${name}" has a hard limit of "${value}", not a number`);
    return Number(value);
  };
  return { nofile: hard('Max open files'), nproc: hard('Max processes') };
}

export async function readHardLimits(): Promise<HardLimits> {
  return parseHardLimits(await readFile('/proc/self/limits', 'utf8'));
}

export async function readPidMax(): Promise<number> {
  return Number((await readFile('/proc/sys/kernel/pid_max', 'utf8')).trim());
}

/** The mounts at or below `prefix`, deepest first, so that unmounting them in order never meets a busy parent. */
export function mountsUnder(mounts: readonly MountInfo[], prefix: string): string[] {
  const root = prefix.replace(/\/+$/, '');
  const points = mounts.map((m) => m.mountPoint).filter((p) => p === root || p.startsWith(`${root}/`));
  // Stacked mounts at one point appear once per layer; newest (last in mountinfo) first.
  return points.map((point, index) => ({ point, index })).sort((a, b) => b.point.split('/').length - a.point.split('/').length || b.index - a.index).map((m) => m.point);
}

/** Unmounts everything a peer left under its folder (overlay, FUSE, bind mounts); lazily when busy. */
export async function unmountUnder(prefix: string): Promise<void> {
  for (const point of mountsUnder(parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8')), prefix)) {
    const result = await run('umount', [point], { cwd: '/', timeoutMs: 30_000, reject: false });
    if (result.exitCode !== 0) await run('umount', ['-l', point], { cwd: '/', timeoutMs: 30_000, reject: false });
  }
}

/**
 * The version in a program's `--version` text: the first word of its first line that starts with a
 * number with a dot in it (`podman version 4.3.1`, `runc version 1.1.5+ds1`,
 * `containerd github.com/containerd/containerd 1.6.20~ds1 …`).
 */
export function parseVersion(text: string): string | undefined {
  const first = text.split('\n').find((l) => l.trim()) ?? '';
  return first.split(/\s+/).find((word) => /^v?\d+\.\d+/.test(word));
}

/** `program --version`'s version, or what went wrong, for the record. */
export async function versionOf(program: string, args: readonly string[] = ['--version']): Promise<string> {
  try {
    const result = await run(program, args, { cwd: '/', timeoutMs: 20_000 });
    return parseVersion(result.stdout || result.stderr) ?? (result.stdout || result.stderr).split('\n')[0]!.trim();
  } catch (error) {
    return `unknown (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

export function kernelRelease(): string {
  return release();
}

/** Room for the unpacked layers twice over and some slack: the same rule as the extra-storage store's. */
export function storeSizeMiB(layerSizes: readonly number[], minimumMiB = 384): number {
  const total = layerSizes.reduce((a, b) => a + b, 0);
  return Math.max(minimumMiB, Math.ceil((2 * total) / 2 ** 20) + 128);
}
