/**
 * Proof that the binary in --out is the one we meant to build: it reports the stamped version, and
 * (when the patch set is in it) it accepts a daemon.json with extra-storage in `--validate` mode,
 * which parses the configuration without starting anything.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '../exec/run.ts';
import { ExtraStorageRejectedError, VersionMismatchError } from './errors.ts';

export async function verifyVersion(binary: string, expected: string, signal?: AbortSignal): Promise<string> {
  const out = await run(binary, ['--version'], { cwd: tmpdir(), timeoutMs: 30_000, ...(signal ? { signal } : {}) });
  const line = (out.stdout || out.stderr).trim().split('\n')[0] ?? '';
  // "Docker version 28.5.2-extra.1, build 8ed7814-extra.1": match the whole version, not a prefix.
  if (!new RegExp(`\\b${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[,\\s]|$)`).test(line)) {
    throw new VersionMismatchError(binary, expected, line);
  }
  return line;
}

/** A daemon.json that only the patched engine accepts. */
export const EXTRA_STORAGE_CONFIG = { 'extra-storage': { path: '/var/lib/docker/extra' } };

export type ValidateOutcome = { kind: 'validated'; output: string } | { kind: 'skipped'; reason: string };

export async function validateExtraStorage(binary: string, signal?: AbortSignal): Promise<ValidateOutcome> {
  const help = await run(binary, ['--help'], { cwd: tmpdir(), timeoutMs: 30_000, reject: false, ...(signal ? { signal } : {}) });
  if (!`${help.stdout}\n${help.stderr}`.includes('--extra-storage')) {
    return { kind: 'skipped', reason: 'the binary has no --extra-storage flag (patch set not in it)' };
  }
  const dir = await mkdtemp(join(tmpdir(), 'dockerd-extra-validate-'));
  try {
    const config = join(dir, 'daemon.json');
    await writeFile(config, `${JSON.stringify(EXTRA_STORAGE_CONFIG, null, 2)}\n`);
    // dockerd looks for docker-proxy on PATH and fails validation without it; it sits next to dockerd.
    const env = { PATH: `${dirname(binary)}:${process.env.PATH ?? ''}` };
    const out = await run(binary, ['--validate', '--config-file', config], {
      cwd: dir,
      env,
      timeoutMs: 30_000,
      reject: false,
      ...(signal ? { signal } : {}),
    });
    const text = (out.stdout || out.stderr).trim();
    if (out.exitCode !== 0) {
      throw new ExtraStorageRejectedError(binary, JSON.stringify(EXTRA_STORAGE_CONFIG), `${out.stdout}\n${out.stderr}`.trim().split('\n'));
    }
    return { kind: 'validated', output: text };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
