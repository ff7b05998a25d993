/**
 * Issue 12 item 3 and the smaller item "content can change under a running container": the store
 * changes a linked layer after the pull.
 *
 * The race: a child shell swaps the top layer's overlay2/<cache-id> in the store for a symlink to a
 * host directory holding a marker at the same path, back and forth, while containers start. Before
 * issue 12 overlay2 checked the path for symlinks and then mounted it by path, so a swap between the
 * two made the host directory a lower layer (1 to 4 runs in 40 showed it): the marker check fails
 * there. Now the layer is opened once, confined, and mounted through /proc/self/fd of that handle,
 * so each run either fails or reads the store's file. The loop is bounded in runs and in time.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from '../exec/run.ts';
import { readCacheId } from './data-root.ts';
import { attackDaemon, attempt, catInContainer, clip, lastLine, type AttackEnv } from './attack-kit.ts';
import { copyStore } from './store-craft.ts';

export const RACE_RUNS = 30;
const RACE_LIMIT_MS = 240_000;
const FILE = 'data/changed.txt';
const GENUINE = 'version 3';

/**
 * Swaps $1/$2 for a symlink to $3 and back until $4 exists; prints the number of swaps. The real
 * directory stays in place for $5 seconds between swaps, so some runs start between two swaps and
 * show that the daemon still works during the attack; the symlink stays as long as two forks take.
 */
const SWAP_LOOP = `cd "$1" || exit 1
n=0
while [ ! -e "$4" ]; do
  mv "$2" "$2.real" && ln -s "$3" "$2"
  rm -f "$2" && mv "$2.real" "$2"
  n=$((n + 1))
  sleep "$5"
done
echo "$n"`;
const REAL_PHASE_S = '0.02';

export async function runMountRace(env: AttackEnv): Promise<void> {
  const { ctx, image } = env;
  const ref = `${image.ref}-extra`;
  const label = `attack 3: the store swaps the top layer's overlay2/<cache-id> for a symlink to a host dir while ${RACE_RUNS} containers start`;
  const root = await copyStore(ctx, env.store, 'race');
  const stop = join(ctx.work, 'race-stop');
  try {
    const cacheId = (await readCacheId(root, image.chainIds.at(-1)!))!;
    const marker = `HOST-MARKER-${randomBytes(6).toString('hex')}`;
    const host = join(ctx.work, 'race-host');
    await mkdir(dirname(join(host, 'diff', FILE)), { recursive: true });
    await writeFile(join(host, 'diff', FILE), `${marker}\n`);
    const daemon = await attackDaemon(ctx, 'race', root);
    const pull = await attempt(ctx, daemon.docker, ['pull', ref]);
    if (pull.exitCode !== 0) throw new Error(`the pull before the race failed: ${lastLine(pull.message)}`);

    const swapper = run('sh', ['-c', SWAP_LOOP, 'swap', join(root, 'overlay2'), cacheId, host, stop, REAL_PHASE_S], { cwd: '/', timeoutMs: RACE_LIMIT_MS, reject: false, signal: ctx.signal });
    const counts = { store: 0, failed: 0, host: 0, other: 0 };
    let firstError = '';
    const deadline = Date.now() + RACE_LIMIT_MS - 30_000;
    for (let i = 0; i < RACE_RUNS && Date.now() < deadline; i++) {
      const seen = await catInContainer(ctx, daemon.docker, ref, `/${FILE}`);
      if (seen.stdout.includes(marker)) counts.host++;
      else if (seen.exitCode !== 0) {
        counts.failed++;
        firstError ||= lastLine(seen.message);
      } else if (seen.stdout === GENUINE) counts.store++;
      else counts.other++;
    }
    await writeFile(stop, '');
    const swaps = Number((await swapper).stdout.trim()) || 0;
    await restore(join(root, 'overlay2'), cacheId);
    const after = await catInContainer(ctx, daemon.docker, ref, `/${FILE}`);
    await daemon.release();

    const runs = counts.store + counts.failed + counts.host + counts.other;
    const summary = `${runs} runs, ${swaps} swaps: ${counts.store} read the store's file, ${counts.failed} failed${firstError ? ` (first: ${clip(firstError)})` : ''}, ${counts.host} showed the host marker, ${counts.other} other; after the race /${FILE} reads ${JSON.stringify(after.stdout || after.message)}`;
    ctx.results.note(`attack 3 race: ${summary}`);
    for (const [key, value] of Object.entries(counts)) ctx.results.figure(`attack 3 race: runs that ${RACE_WORDS[key as keyof typeof counts]}`, value, 'count');
    ctx.results.figure('attack 3 race: swaps made by the store during the runs', swaps, 'count');
    // Some runs must have mounted during the swapping: a race in which every run failed proves nothing.
    ctx.results.check(`${label}: every run fails or reads the store's file, none the host marker`,
      counts.host === 0 && counts.other === 0 && counts.store > 0 && runs === RACE_RUNS && swaps > 0 && after.stdout === GENUINE,
      summary);
  } finally {
    // The swapper may be gone already; the stop file only asks it to end.
    await writeFile(stop, '').catch(() => {});
    await rm(root, { recursive: true, force: true });
  }
}

const RACE_WORDS = { store: "read the store's file", failed: 'failed (refused)', host: 'showed the host marker', other: 'printed something else' } as const;

/** Puts the real directory back if the loop stopped between its two renames. */
async function restore(overlay: string, cacheId: string): Promise<void> {
  const real = join(overlay, `${cacheId}.real`);
  if (!(await access(real).then(() => true, () => false))) return;
  await rm(join(overlay, cacheId), { force: true });
  await rename(real, join(overlay, cacheId));
}

/**
 * Republishing: the store replaces the top layer's diff directory with an identical copy after the
 * pull. Before issue 12 a container simply ran whatever the directory then held under the same image
 * ID; now the identity recorded at link time (inode, ctime, mtime) no longer matches, and docker run
 * is refused, saying the store changed the layer after the pull.
 */
export async function runRepublished(env: AttackEnv): Promise<void> {
  const { ctx, image } = env;
  const ref = `${image.ref}-extra`;
  const label = "attack 7: the store republishes the top layer's diff dir after the pull";
  const root = await copyStore(ctx, env.store, 'republish');
  try {
    const cacheId = (await readCacheId(root, image.chainIds.at(-1)!))!;
    const daemon = await attackDaemon(ctx, 'republish', root);
    const pull = await attempt(ctx, daemon.docker, ['pull', ref]);
    if (pull.exitCode !== 0) throw new Error(`the pull before republishing failed: ${lastLine(pull.message)}`);
    const diff = join(root, 'overlay2', cacheId, 'diff');
    await run('cp', ['-a', diff, `${diff}.new`], { cwd: '/', timeoutMs: 60_000 });
    await rm(diff, { recursive: true });
    await rename(`${diff}.new`, diff);
    const seen = await catInContainer(ctx, daemon.docker, ref, `/${FILE}`);
    await daemon.release();
    // On the containerd store the snapshotter refuses it, which knows layers, not images.
    const names = ctx.containerdStore ? seen.message.includes(`layer sha256:${image.chainIds.at(-1)!}`) : seen.message.includes(`refusing image ${ref}`);
    const said = /was replaced in the store since the pull/.test(seen.message) && names;
    ctx.results.check(`${label}: docker run is refused naming the ${ctx.containerdStore ? 'layer' : 'image'} and saying the store replaced the layer since the pull`, seen.exitCode !== 0 && said,
      `run exit ${seen.exitCode}: ${clip(lastLine(seen.message), 400)}`);
    if (seen.exitCode !== 0) ctx.results.note(`${label}: ${lastLine(seen.message)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
