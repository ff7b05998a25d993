/**
 * What `store add` loads and how each becomes the tar `/images/load` takes: a docker-save archive as
 * it is; an OCI layout (a directory, or a tar without manifest.json, unpacked first) tarred with the
 * manifest.json its index implies (oci.ts), since the graphdriver image store reads nothing else;
 * an image of another dockerd as the stream of its /images/get.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { assertNever, UsageError } from '../errors.ts';
import { run } from '../exec/run.ts';
import { saveImages } from './engine-api.ts';
import { manifestFromOci, ociArchitecture, OciLayoutError } from './oci.ts';

export type ImageSource =
  | { kind: 'archive'; path: string }
  | { kind: 'oci-dir'; path: string }
  | { kind: 'daemon'; socket: string; name: string };

export function sourceLabel(s: ImageSource): string {
  switch (s.kind) {
    case 'archive':
      return basename(s.path);
    case 'oci-dir':
      return `${basename(s.path)}/ (OCI layout)`;
    case 'daemon':
      return `${s.name} from ${s.socket}`;
    default:
      return assertNever(s);
  }
}

/** IMAGE operands as sources: with --from-daemon names, otherwise paths that must exist. */
export async function resolveSources(operands: readonly string[], cwd: string, fromDaemon: string | undefined): Promise<ImageSource[]> {
  if (operands.length === 0) throw new UsageError('store add: give at least one IMAGE (a docker save archive, an OCI layout, or with --from-daemon a NAME:TAG); see npm run store -- add --help');
  if (fromDaemon !== undefined) return operands.map((name) => ({ kind: 'daemon', socket: resolve(cwd, fromDaemon), name }));
  const out: ImageSource[] = [];
  for (const op of operands) {
    const path = resolve(cwd, op);
    const st = await stat(path).catch(() => undefined);
    if (!st) throw new UsageError(`store add: ${path} does not exist; give a docker save archive or an OCI layout (or a NAME:TAG with --from-daemon SOCK)`);
    if (st.isDirectory()) {
      const names = await readdir(path);
      if (!names.includes('oci-layout') || !names.includes('index.json')) throw new UsageError(`store add: ${path} is a directory without oci-layout and index.json, so no OCI layout; give an OCI layout or a docker save archive`);
      out.push({ kind: 'oci-dir', path });
    } else if (st.isFile()) out.push({ kind: 'archive', path });
    else throw new UsageError(`store add: ${path} is neither a file nor a directory`);
  }
  return out;
}

const tarOptions = (signal: AbortSignal) => ({ cwd: '/', signal, timeoutMs: 3_600_000 });

/** The tar to load for a source; `tmp` (a fresh folder) holds what had to be written for it. */
export async function openSource(source: ImageSource, tmp: string, signal: AbortSignal): Promise<Readable> {
  switch (source.kind) {
    case 'daemon':
      return saveImages(source.socket, [source.name], signal);
    case 'archive': {
      const listing = await run('tar', ['-tf', source.path], tarOptions(signal));
      const names = new Set(listing.stdout.split('\n').map((n) => n.replace(/^\.\//, '')));
      if (names.has('manifest.json') || !names.has('oci-layout')) return createReadStream(source.path);
      const dir = join(tmp, 'layout');
      await mkdir(dir, { recursive: true });
      await run('tar', ['-C', dir, '-xf', source.path], tarOptions(signal));
      return createReadStream(await ociTar(dir, tmp, signal));
    }
    case 'oci-dir':
      return createReadStream(await ociTar(source.path, tmp, signal));
    default:
      return assertNever(source);
  }
}

/** The layout as one tar with a manifest.json (the layout's own when it has one). */
async function ociTar(layout: string, tmp: string, signal: AbortSignal): Promise<string> {
  await mkdir(tmp, { recursive: true });
  const tarball = join(tmp, 'image.tar');
  if ((await readdir(layout)).includes('manifest.json')) {
    await run('tar', ['-C', layout, '-cf', tarball, '.'], tarOptions(signal));
    return tarball;
  }
  const readJson = async (path: string) => {
    try {
      return JSON.parse(await readFile(join(layout, path), 'utf8')) as unknown;
    } catch (error) {
      throw new OciLayoutError(`${path}: ${(error as Error).message}`);
    }
  };
  let manifest;
  try {
    manifest = await manifestFromOci(readJson, { os: 'linux', architecture: ociArchitecture(process.arch) });
  } catch (error) {
    if (error instanceof OciLayoutError) throw new UsageError(`store add: ${layout} is no OCI layout dockerd can load: ${error.reason}`);
    throw error;
  }
  const meta = join(tmp, 'meta');
  await mkdir(meta, { recursive: true });
  await writeFile(join(meta, 'manifest.json'), JSON.stringify(manifest));
  await run('tar', ['-cf', tarball, '-C', layout, '--exclude=./manifest.json', '.', '-C', meta, 'manifest.json'], tarOptions(signal));
  return tarball;
}
