/**
 * Finding and ending the processes a private daemon left behind (its containerd, containerd-shims)
 * by the daemon's own unique exec-root in their command line, never by a program name, so daemons
 * that other people run on the same machine are never touched.
 */
import { readdir, readFile } from 'node:fs/promises';
import { orIfMissing } from '../errors.ts';

export async function pidsMentioning(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0').join(' ');
      if (cmdline.includes(marker)) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** SIGTERM, wait up to graceMs, then SIGKILL; resolves when the process is gone. */
export async function stopProcess(pid: number, graceMs: number): Promise<'exited' | 'killed'> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'exited';
  }
  for (let waited = 0; waited < graceMs; waited += 100) {
    if (!isAlive(pid)) return 'exited';
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'exited';
  }
  for (let waited = 0; waited < 5000 && isAlive(pid); waited += 100) await sleep(100);
  return 'killed';
}

export async function killMentioning(marker: string): Promise<number[]> {
  const pids = await pidsMentioning(marker);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}

/** A process's peak resident memory (VmHWM of /proc/PID/status) in bytes, or undefined if it is gone. */
export async function peakResidentBytes(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(orIfMissing('')); // the process is gone
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}
