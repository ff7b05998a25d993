/**
 * `docker save` of an image registered from the store must give back every layer byte for byte:
 * the saved layer blobs hash to the config's diffIDs (this is what the copied tar-split makes work).
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import type { BuiltImage } from './build-image.ts';
import { errorText, type E2eContext } from './context.ts';
import { parseSavedManifest } from './docker-archive.ts';
import type { DockerClient } from './docker.ts';
import { sha256File } from '../digest.ts';

export async function checkSave(ctx: E2eContext, docker: DockerClient, image: BuiltImage, ref: string, label: string): Promise<void> {
  const name = `${label}: docker save ${ref} gives a valid tar whose layers hash to the diffIDs`;
  const dir = join(ctx.work, `save-${Date.now()}`);
  try {
    await mkdir(dir, { recursive: true });
    const tarFile = join(dir, 'saved.tar');
    await docker.call(['save', '-o', tarFile, ref], { timeoutMs: 180_000, signal: ctx.signal });
    const unpacked = join(dir, 'x');
    await mkdir(unpacked);
    await run('tar', ['-xf', tarFile, '-C', unpacked], { cwd: dir, timeoutMs: 120_000 });
    const [saved] = parseSavedManifest(await readFile(join(unpacked, 'manifest.json'), 'utf8'));
    if (!saved) throw new Error(`manifest.json lists no image (files: ${(await readdir(unpacked)).join(', ')})`);
    const digests = [];
    for (const layer of saved.layers) digests.push(await sha256File(join(unpacked, layer)));
    const same = digests.length === image.diffIds.length && digests.every((d, i) => d === image.diffIds[i]);
    ctx.results.check(name, same, `saved layers hash to ${digests.map((d) => d.slice(0, 12)).join(', ')}; expected ${image.diffIds.map((d) => d.slice(0, 12)).join(', ')}`);
  } catch (error) {
    ctx.results.fail(name, errorText(error));
  } finally {
    await run('rm', ['-rf', dir], { cwd: '/', reject: false });
  }
}
