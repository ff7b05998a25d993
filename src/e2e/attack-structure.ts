/**
 * Issue 12 items 4 and 7: IDs, names and sizes the store writes. Each crafted config is stored under
 * its own digest and the name pointed at it, so it passes the config's digest check and reaches the
 * code that takes its diffIDs apart.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import { attackDaemon, attempt, clip, lastLine, names, registered, stillHealthy, type AttackEnv } from './attack-kit.ts';
import { addDecoyName, copyStore, layerdbFile, publishConfig, readStoreConfig } from './store-craft.ts';
import { orIfMissing } from '../errors.ts';

const TRAVERSAL = 'sha256:../../../../volumes/victim';
const PRECIOUS = 'data a volume holds, which docker rmi must never delete\n';

/** Every directory under root, relative, sorted. */
async function directories(root: string): Promise<string[]> {
  const found = await run('find', [root, '-xdev', '-type', 'd', '-printf', '%P\\n'], { cwd: '/', timeoutMs: 60_000 });
  return found.stdout.split('\n').filter(Boolean).sort();
}

/**
 * The first diffID is the base layer's chainID, which names a layerdb directory. Before issue 12 it
 * was taken verbatim: this config made dockerd create a directory where the store said, and a later
 * `docker rmi` deleted a volume's data. Now the pull is refused (sha256 + 64 hex) before any path is
 * made from it.
 */
export async function runTraversal(env: AttackEnv): Promise<void> {
  const { ctx, image } = env;
  const label = `attack 4: the config's first diffID is "${TRAVERSAL}"`;
  const root = await copyStore(ctx, env.store, 'traversal');
  try {
    const config = await readStoreConfig(root, image.imageId);
    config.rootfs.diff_ids[0] = TRAVERSAL;
    await publishConfig(root, image.ref, config);
    const daemon = await attackDaemon(ctx, 'traversal', root);
    await daemon.docker.call(['volume', 'create', 'victim']);
    const victim = join(daemon.dataRoot, 'volumes/victim/_data/precious.txt');
    await writeFile(victim, PRECIOUS);
    const before = await directories(daemon.dataRoot);
    const pull = await attempt(ctx, daemon.docker, ['pull', `${image.ref}-extra`]);
    const created = (await directories(daemon.dataRoot)).filter((d) => !before.includes(d));
    await attempt(ctx, daemon.docker, ['rmi', `${image.ref}-extra`, image.ref]);
    const kept = (await readFile(victim, 'utf8').catch(orIfMissing(''))) === PRECIOUS;
    const volume = await attempt(ctx, daemon.docker, ['volume', 'inspect', 'victim']);
    const health = await stillHealthy(daemon);
    await daemon.release();
    const refused = pull.exitCode !== 0 && names(pull.message, [`diffID 0 "${TRAVERSAL}"`]);
    ctx.results.check(`${label}: pull refused naming the diffID, no directory created under the data-root, a volume keeps its data after docker rmi`,
      refused && created.length === 0 && kept && volume.exitCode === 0 && health.ok,
      `pull exit ${pull.exitCode} (${clip(lastLine(pull.message), 300)}); new directories under the data-root: ${created.length ? created.join(', ') : 'none'}; volume victim ${volume.exitCode === 0 ? 'present' : 'gone'}, its file intact: ${kept}; ${health.detail}`);
    if (pull.exitCode !== 0) ctx.results.note(`${label}: ${lastLine(pull.message)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

interface SmallCase {
  title: string;
  /** Breaks the copy; returns what the refusal must mention (any of them). */
  craft: (root: string, env: AttackEnv) => Promise<string[]>;
  /** Why the engine before issue 12 failed the check. */
  before: string;
}

const HUGE_SIZE = '9223372036854775807';

export const SMALL_CASES: readonly SmallCase[] = [
  {
    title: 'a diffID without ":" (64 hex, no algorithm)',
    craft: async (root, { image }) => {
      const config = await readStoreConfig(root, image.imageId);
      config.rootfs.diff_ids[0] = image.diffIds[0]!;
      await publishConfig(root, image.ref, config);
      return [`diffID 0 "${image.diffIds[0]}"`];
    },
    before: 'the API handler panicked splitting the digest',
  },
  {
    title: 'one name given two image IDs in repositories.json',
    craft: async (root, { image }) => {
      await addDecoyName(root, image.ref, '127.0.0.1:9/e2e/decoy', '1'.repeat(64));
      return ['two image IDs'];
    },
    before: 'one of the two was picked by Go map order',
  },
  {
    title: `a layer size of ${HUGE_SIZE} (2^63-1)`,
    craft: async (root, { image }) => {
      const chain = image.chainIds.at(-1)!;
      await writeFile(layerdbFile(root, chain, 'size'), HUGE_SIZE);
      return [chain];
    },
    before: 'the pull was served and the size showed as -2B',
  },
];

export async function runSmallCases(env: AttackEnv): Promise<void> {
  const { ctx, image } = env;
  for (const [index, c] of SMALL_CASES.entries()) {
    const label = `attack 7: ${c.title}`;
    const root = await copyStore(ctx, env.store, `small-${index}`);
    try {
      const mentions = await c.craft(root, env);
      const daemon = await attackDaemon(ctx, `small-${index}`, root);
      const pull = await attempt(ctx, daemon.docker, ['pull', `${image.ref}-extra`]);
      const left = await registered(daemon);
      const health = await stillHealthy(daemon);
      await daemon.release();
      ctx.results.check(`${label}: pull refused with a clear error, nothing registered, daemon still answers without a panic`,
        pull.exitCode !== 0 && names(pull.message, mentions) && left.images === 0 && left.chains === 0 && health.ok,
        `exit ${pull.exitCode} after ${pull.ms} ms, mentions ${mentions.join(' or ')}: ${names(pull.message, mentions)}; images ${left.images}, layers ${left.chains}; ${health.detail} (before issue 12: ${c.before}): ${clip(lastLine(pull.message), 300)}`);
      if (pull.exitCode !== 0) ctx.results.note(`${label}: ${lastLine(pull.message)}`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
}
