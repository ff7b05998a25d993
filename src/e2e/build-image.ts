/**
 * Writes the test image as a docker-archive tar: each layer is staged in a folder and packed by GNU
 * tar with fixed order, owners and times, so the layer digests (and the image ID) are the same on
 * every run and every machine with the same busybox.
 */
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { assertNever } from '../errors.ts';
import { run } from '../exec/run.ts';
import { archiveManifest, chainIds, goArch, imageConfig } from './docker-archive.ts';
import type { ImageSpec, LayerEntry } from './image-spec.ts';
import { pseudoRandomChunks } from './prng.ts';
import { sha256, sha256File } from '../digest.ts';

export interface BuiltImage {
  archive: string;
  imageId: string;
  diffIds: string[];
  chainIds: string[];
  layerSizes: number[];
  ref: string;
}

/** Flags that make GNU tar output depend on content only. */
export const DETERMINISTIC_TAR = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=gnu'];

async function stageEntry(root: string, entry: LayerEntry): Promise<void> {
  const at = (path: string) => join(root, path);
  const parent = async (path: string) => mkdir(dirname(at(path)), { recursive: true });
  switch (entry.kind) {
    case 'dir':
      await mkdir(at(entry.path), { recursive: true });
      return chmod(at(entry.path), entry.mode);
    case 'file':
      await parent(entry.path);
      await writeFile(at(entry.path), entry.text);
      return chmod(at(entry.path), entry.mode);
    case 'copy':
      await parent(entry.path);
      await copyFile(entry.from, at(entry.path));
      return chmod(at(entry.path), entry.mode);
    case 'random':
      await parent(entry.path);
      await pipeline(Readable.from(pseudoRandomChunks(entry.seed, entry.size)), createWriteStream(at(entry.path)));
      return chmod(at(entry.path), 0o644);
    case 'symlink':
      await parent(entry.path);
      return symlink(entry.target, at(entry.path));
    case 'hardlink':
      await parent(entry.path);
      return link(at(entry.target), at(entry.path));
    case 'whiteout': {
      const whiteout = join(dirname(entry.path), `.wh.${entry.path.split('/').pop()}`);
      await parent(whiteout);
      return writeFile(at(whiteout), '');
    }
    case 'opaque':
      await mkdir(at(entry.dir), { recursive: true });
      return writeFile(at(join(entry.dir, '.wh..wh..opq')), '');
    default:
      return assertNever(entry);
  }
}

async function tarFolder(folder: string, out: string, signal?: AbortSignal): Promise<void> {
  const names = (await readdir(folder)).sort();
  await run('tar', [...DETERMINISTIC_TAR, '-C', folder, '-cf', out, '--', ...names], { cwd: folder, signal, timeoutMs: 120_000 });
}

/** Stages and packs every layer, then the archive around them, under `work`. */
export async function buildImageArchive(spec: ImageSpec, work: string, signal?: AbortSignal): Promise<BuiltImage> {
  const archiveDir = join(work, 'archive');
  await mkdir(archiveDir, { recursive: true });
  const diffIds: string[] = [];
  const layerSizes: number[] = [];
  const layerFiles: string[] = [];
  for (const [index, entries] of spec.layers.entries()) {
    const stage = join(work, 'stage', String(index + 1));
    await mkdir(stage, { recursive: true });
    for (const entry of entries) await stageEntry(stage, entry);
    const tarPath = join(work, `layer${index + 1}.tar`);
    await tarFolder(stage, tarPath, signal);
    const diffId = await sha256File(tarPath);
    diffIds.push(diffId);
    layerSizes.push((await stat(tarPath)).size);
    await mkdir(join(archiveDir, diffId), { recursive: true });
    await copyFile(tarPath, join(archiveDir, diffId, 'layer.tar'));
    layerFiles.push(`${diffId}/layer.tar`);
  }
  const config = imageConfig(diffIds, { architecture: goArch(process.arch), cmd: ['/bin/sh'], env: ['PATH=/bin'] });
  const imageId = sha256(config);
  await writeFile(join(archiveDir, `${imageId}.json`), config);
  const ref = `${spec.repo}:${spec.tag}`;
  await writeFile(join(archiveDir, 'manifest.json'), archiveManifest([{ configFile: `${imageId}.json`, repoTags: [ref], layerFiles }]));
  const archive = join(work, 'image.tar');
  await tarFolder(archiveDir, archive, signal);
  return { archive, imageId, diffIds, chainIds: chainIds(diffIds), layerSizes, ref };
}
