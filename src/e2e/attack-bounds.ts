/**
 * Issue 12 item 6: a store that makes dockerd hang or eat memory.
 *
 * The tar-split bomb: a 4.7 MB tar-split.json.gz whose one entry is a 1 GiB JSON string. Before
 * issue 12 a pull of it took 30 s and took dockerd to 6 GB (parsed twice, the token buffered whole);
 * the peak check below (VmHWM of the daemon, below the token's size) and the time bound failed there.
 * The FIFO: a named pipe where layerdb has cache-id. Before, the open blocked forever (no O_NONBLOCK,
 * no fstat) and the pull hung: the call below ends at its timeout then and the check fails.
 */
import { rm } from 'node:fs/promises';
import { run } from '../exec/run.ts';
import { peakResidentBytes } from './processes.ts';
import { attackDaemon, attempt, clip, lastLine, names, registered, stillHealthy, type AttackEnv } from './attack-kit.ts';
import { copyStore, layerdbFile, writeTarSplitBomb } from './store-craft.ts';

export const TOKEN_BYTES = 1024 * 1024 * 1024;
/** "Refused in seconds": far under the 30 s the old engine took, with room for a loaded CI host. */
export const BOUNDED_REFUSAL_MS = 10_000;
const HANG_LIMIT_MS = 60_000;
const MIB = 1024 * 1024;

export async function runTarSplitBomb(env: AttackEnv): Promise<void> {
  const { ctx, image } = env;
  const chain = image.chainIds.at(-1)!;
  const label = 'attack 6: the top layer\'s tar-split.json.gz holds one 1 GiB JSON token';
  const root = await copyStore(ctx, env.store, 'tarsplit-bomb');
  try {
    const gzBytes = await writeTarSplitBomb(layerdbFile(root, chain, 'tar-split.json.gz'), TOKEN_BYTES);
    const daemon = await attackDaemon(ctx, 'tarsplit-bomb', root);
    const pid = await daemon.pid();
    const before = pid ? await peakResidentBytes(pid) : undefined;
    const pull = await attempt(ctx, daemon.docker, ['pull', `${image.ref}-extra`], HANG_LIMIT_MS);
    const peak = pid ? await peakResidentBytes(pid) : undefined;
    const left = await registered(daemon);
    const health = await stillHealthy(daemon);
    await daemon.release();
    ctx.results.figure('attack 6 tar-split bomb: compressed size of the crafted tar-split.json.gz', gzBytes, 'bytes');
    ctx.results.figure('attack 6 tar-split bomb: time to refusal', pull.ms, 'ms');
    if (before !== undefined) ctx.results.figure('attack 6 tar-split bomb: dockerd peak memory before the pull (VmHWM)', before, 'bytes');
    if (peak !== undefined) ctx.results.figure('attack 6 tar-split bomb: dockerd peak memory after the pull (VmHWM)', peak, 'bytes');
    const named = names(pull.message, [chain]);
    ctx.results.check(`${label}: pull refused naming the layer in under ${BOUNDED_REFUSAL_MS / 1000} s, dockerd's peak memory stays far below the token (< 512 MiB)`,
      pull.exitCode !== 0 && named && pull.ms < BOUNDED_REFUSAL_MS && peak !== undefined && peak < 512 * MIB && left.chains === 0 && health.ok,
      `exit ${pull.exitCode} after ${pull.ms} ms, names ${chain.slice(0, 12)}: ${named}; dockerd (pid ${pid}) VmHWM ${mib(before)} before, ${mib(peak)} after; layers ${left.chains}; ${health.detail}: ${clip(lastLine(pull.message), 300)}`);
    if (pull.exitCode !== 0) ctx.results.note(`${label}: ${lastLine(pull.message)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export async function runFifo(env: AttackEnv): Promise<void> {
  const { ctx, image } = env;
  const chain = image.chainIds.at(-1)!;
  const label = "attack 6: a FIFO in place of the top layer's layerdb cache-id";
  const root = await copyStore(ctx, env.store, 'fifo');
  try {
    const file = layerdbFile(root, chain, 'cache-id');
    await rm(file);
    await run('mkfifo', [file], { cwd: '/' });
    const daemon = await attackDaemon(ctx, 'fifo', root);
    const pull = await attempt(ctx, daemon.docker, ['pull', `${image.ref}-extra`], HANG_LIMIT_MS);
    const left = await registered(daemon);
    const health = await stillHealthy(daemon);
    await daemon.release();
    ctx.results.figure('attack 6 FIFO: time to refusal', pull.ms, 'ms');
    const named = names(pull.message, [chain]);
    ctx.results.check(`${label}: pull refused naming the file in under ${BOUNDED_REFUSAL_MS / 1000} s (no hang; the call's own bound is ${HANG_LIMIT_MS / 1000} s)`,
      pull.exitCode !== 0 && named && pull.ms < BOUNDED_REFUSAL_MS && left.chains === 0 && health.ok,
      `exit ${pull.exitCode} after ${pull.ms} ms, names ${chain.slice(0, 12)}: ${named}; layers ${left.chains}; ${health.detail}: ${clip(lastLine(pull.message), 300)}`);
    if (pull.exitCode !== 0) ctx.results.note(`${label}: ${lastLine(pull.message)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const mib = (bytes: number | undefined) => (bytes === undefined ? 'unknown' : `${Math.round(bytes / MIB)} MiB`);
