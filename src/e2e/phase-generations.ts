/**
 * A store that changes while containers run from it (issue 16): `store publish` makes generations of
 * the prepared store under an export and switches its current link. Host A pulls from generation 1
 * and keeps a container running across the publish of generation 2; host B, pulling after that
 * publish, links generation 2; --keep 2 holds generation 1. Then the store changes under pulled
 * images: a layer directory of generation 2 replaced by a copy (another inode) is refused at
 * `docker run` on B, and generation 1 pruned by a third publish is refused on A, each with an error
 * naming the image and the layer, never a bare "can't stat".
 */
import { readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import { publishStore, type PublishResult } from '../store/publish.ts';
import type { BuiltImage } from './build-image.ts';
import { checkScript, parseCheckOutput } from './container-checks.ts';
import { errorText, type E2eContext } from './context.ts';
import { startExtraHost, type ExtraHost } from './extra-host.ts';
import { layerDir, readCacheId } from './data-root.ts';
import type { DockerClient } from './docker.ts';
import type { ImageSpec } from './image-spec.ts';
import type { PreparedStore } from './store.ts';

const LABEL = 'generations';

interface Host extends ExtraHost {
  /** a or b, as the scenario names the host. */
  host: string;
}

export async function runGenerationsPhase(ctx: E2eContext, spec: ImageSpec, image: BuiltImage, store: PreparedStore): Promise<void> {
  const exportDir = join(ctx.work, 'export');
  const extraRef = `${image.ref}-extra`;
  const publish = async (what: string): Promise<PublishResult | undefined> => {
    try {
      const r = await publishStore({ store: store.mountPoint, exportDir, keep: 2, signal: ctx.signal });
      ctx.results.pass(`${LABEL}: store publish ${what}: generation ${r.generation} (${r.method}), current switched`);
      return r;
    } catch (error) {
      ctx.results.fail(`${LABEL}: store publish ${what}`, errorText(error));
      return undefined;
    }
  };
  const startHost = async (name: string): Promise<Host> => ({ host: name, ...(await startExtraHost(ctx, `gen-${name}`, { path: exportDir }, { dataRoot: join(ctx.work, `gen-${name}`) })) });

  const gen1 = await publish('of the prepared store');
  if (!gen1) return;
  let a: Host | undefined;
  let b: Host | undefined;
  try {
    a = await startHost('a');
    if (!(await pullLinks(ctx, a, image, extraRef, exportDir, gen1.generation))) return;
    const cid = (await a.docker.call(['run', '-d', '--network', 'none', extraRef, 'busybox', 'sleep', '600'], { timeoutMs: 60_000, signal: ctx.signal })).stdout.trim();

    const gen2 = await publish('while a container of generation 1 runs');
    if (!gen2) return;
    ctx.results.check(`${LABEL}: --keep 2 holds generation 1 after the publish of generation 2`, gen2.pruned.length === 0 && gen2.kept.includes(gen1.generation), `kept ${gen2.kept.join(', ')}`);
    await checkStillRunning(ctx, a.docker, cid, spec);

    b = await startHost('b');
    if (!(await pullLinks(ctx, b, image, extraRef, exportDir, gen2.generation))) return;
    await checkChangedLayerRefused(ctx, b, image, extraRef, exportDir, gen2.generation);

    await a.docker.call(['rm', '-f', cid], { reject: false, timeoutMs: 60_000 });
    const gen3 = await publish('a third time, --keep 2');
    if (!gen3) return;
    ctx.results.check(`${LABEL}: the third publish prunes generation 1 and keeps 2 and 3`, gen3.pruned.includes(gen1.generation) && gen3.kept.length === 2, `pruned ${gen3.pruned.join(', ') || 'nothing'}, kept ${gen3.kept.join(', ')}`);
    await checkRefusal(ctx, a.docker, image, extraRef, exportDir, gen1.generation, 'generation 1 pruned under host A', /has vanished from the store/);
    // The layers are on host A already: a new pull reuses them by chain ID, so it must check them too.
    const again = await a.docker.call(['pull', extraRef], { reject: false, timeoutMs: 120_000, signal: ctx.signal });
    const said = again.stderr.trim();
    const where = ctx.containerdStore ? join(exportDir, 'generations', gen1.generation) : `generation ${gen1.generation}`;
    ctx.results.check(`${LABEL}: a new pull on host A that would reuse the vanished layers fails naming them`,
      again.exitCode !== 0 && /has vanished from the store/.test(said) && said.includes(where), `exit ${again.exitCode}: ${said.slice(0, 300)}`);
  } catch (error) {
    ctx.results.fail(`${LABEL}: scenario`, errorText(error));
  } finally {
    await a?.release();
    await b?.release();
  }
}

/** Pull from the export, then: every layer's diff links into `generation`, not current, and its origin says so. */
async function pullLinks(ctx: E2eContext, host: Host, image: BuiltImage, extraRef: string, exportDir: string, generation: string): Promise<boolean> {
  const label = `${LABEL}: host ${host.host} pulls ${extraRef} after generation ${generation} is published`;
  const pulled = await host.docker.call(['pull', extraRef], { reject: false, timeoutMs: 120_000, signal: ctx.signal });
  if (pulled.exitCode !== 0) {
    ctx.results.fail(label, pulled.stderr.trim());
    return false;
  }
  const wrong: string[] = [];
  for (const chain of image.chainIds) {
    const target = await host.layerSource(chain);
    if (!target.startsWith(join(exportDir, 'generations', generation) + '/')) wrong.push(`${chain.slice(0, 12)} → ${target || 'no link'}`);
    // On the containerd store the snapshotter records the layer, and knows no image.
    if (ctx.containerdStore) continue;
    const origin = JSON.parse(await readFile(join(layerDir(host.dataRoot, chain), 'extra-origin.json'), 'utf8').catch(() => '{}')) as { generation?: string; images?: string[]; inode?: number };
    if (origin.generation !== generation || !origin.images?.includes(extraRef) || !origin.inode) wrong.push(`${chain.slice(0, 12)} origin ${JSON.stringify(origin).slice(0, 120)}`);
  }
  const records = ctx.containerdStore ? '' : ' and records it with the image';
  ctx.results.check(`${label}: each layer links that generation (not current)${records}`, wrong.length === 0, wrong.join('; '));
  return wrong.length === 0;
}

async function checkStillRunning(ctx: E2eContext, docker: DockerClient, cid: string, spec: ImageSpec): Promise<void> {
  const state = await docker.call(['inspect', '-f', '{{.State.Running}}', cid], { reject: false, timeoutMs: 30_000 });
  const read = await docker.call(['exec', cid, 'sh', '-c', checkScript(spec.expectations)], { reject: false, timeoutMs: 60_000, signal: ctx.signal });
  const bad = parseCheckOutput(read.stdout, spec.expectations).filter((v) => !v.ok);
  ctx.results.check(`${LABEL}: the container started from generation 1 keeps running and reads all its files after the publish`,
    state.stdout.trim() === 'true' && read.exitCode === 0 && bad.length === 0, `running ${state.stdout.trim()}, exec exit ${read.exitCode}, ${bad.length} file(s) wrong ${read.stderr.trim()}`);
}

/** The top layer's directory in the generation replaced by a copy: same files, another inode. */
async function checkChangedLayerRefused(ctx: E2eContext, host: Host, image: BuiltImage, extraRef: string, exportDir: string, generation: string): Promise<void> {
  const genRoot = join(exportDir, 'generations', generation);
  const chain = image.chainIds[image.chainIds.length - 1]!;
  const storeCacheId = await readCacheId(genRoot, chain);
  if (!storeCacheId) return ctx.results.fail(`${LABEL}: a layer replaced under host B`, `no cache-id for ${chain} in ${genRoot}`);
  const diff = join(genRoot, 'overlay2', storeCacheId, 'diff');
  const before = (await stat(diff)).ino;
  await run('cp', ['-a', diff, `${diff}.copy`], { cwd: genRoot, signal: ctx.signal });
  await rename(diff, `${diff}.orig`);
  await rename(`${diff}.copy`, diff);
  ctx.results.note(`${LABEL}: replaced ${diff} (inode ${before}) by a copy (inode ${(await stat(diff)).ino})`);
  await checkRefusal(ctx, host.docker, image, extraRef, exportDir, generation, 'a layer directory replaced by a copy under host B', /was replaced in the store since the pull/);
}

/** docker run must fail, and say which image, which layer, which generation and what to do. */
async function checkRefusal(ctx: E2eContext, docker: DockerClient, image: BuiltImage, extraRef: string, exportDir: string, generation: string, what: string, problem: RegExp): Promise<void> {
  const result = await docker.call(['run', '--rm', '--network', 'none', extraRef, 'true'], { reject: false, timeoutMs: 60_000, signal: ctx.signal });
  const message = result.stderr.trim();
  // extra-snapshotter knows layers, not images: its refusal names the layer, its path (with the
  // generation) and the fix.
  const containerd = ctx.containerdStore !== undefined;
  const missing = [
    [problem.source, problem.test(message)],
    [`image ${extraRef}`, containerd || message.includes(`image ${extraRef}`)],
    ['a layer chain ID of the image', image.chainIds.some((c) => message.includes(`layer sha256:${c}`))],
    [`generation ${generation}`, containerd || message.includes(`generation ${generation}`)],
    ['the store path', message.includes(join(exportDir, 'generations', generation, 'overlay2'))],
    ['what to do', message.includes(containerd ? 'docker rmi' : `docker rmi ${extraRef}\`, then pull it again`)],
  ].filter(([, ok]) => !ok).map(([name]) => name);
  const named = containerd ? 'layer, path (with the generation) and the fix' : 'image, layer, generation and path';
  ctx.results.check(`${LABEL}: ${what}: docker run is refused naming ${named}`, result.exitCode !== 0 && missing.length === 0,
    `exit ${result.exitCode}, missing ${missing.join(', ') || 'nothing'}: ${message.slice(0, 400)}`);
  if (result.exitCode !== 0) ctx.results.note(`${LABEL}: ${what}: ${message.split('\n')[0]}`);
}
