/**
 * export-patches' engine: a moby branch on top of the base tag becomes patches/<base>/ (one patch
 * per touched existing file, named NNNN-<path with / → ->.patch in path order — per file rather than
 * per commit, so a patch's name and content depend only on the end result, never on how the branch
 * was committed), full/<base>/ (the files the branch adds) and manifest.json. Every check runs before
 * the first write, the patches are proven to rebuild HEAD from the base blobs, and files a previous
 * export wrote that are no longer part of the set are removed, so the output is exactly the branch.
 */
import { chmod, mkdir, readFile, readdir, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Branch, type Change } from './branch.ts';
import { ExportRefusedError, PatchSetError } from './errors.ts';
import { byCodePoint, sha256 } from '../digest.ts';
import { carrySources, formatManifest, parseManifest, type Manifest } from './manifest.ts';
import { parsePatchText } from './parse.ts';
import { runPatches } from './plan.ts';
import { formatSeries, parseSeries } from './series.ts';
import { RECORD_FILE } from './record.ts';
import { carrySource, lineRewrite, originPath } from './lines.ts';
import { treeReader } from './readers.ts';
import { orIfMissing } from '../errors.ts';

export interface ExportResult {
  base: string;
  release: number;
  patchesDir: string;
  fullDir: string;
  /** Patch file names, in series order. */
  patches: string[];
  /** moby paths copied under full/<base>/. */
  full: string[];
  /** New files that are the carriedFrom set's files carried over, so not copied (see lines.ts). */
  carried: string[];
  /** Files of an earlier export that are no longer part of the set, now removed (project-relative). */
  removed: string[];
  /** Tracked moby files with uncommitted changes: not exported (the export reads commits only). */
  uncommitted: string[];
}

interface Exported {
  patches: { name: string; text: string }[];
  full: { path: string; text: string; mode: number }[];
  carried: string[];
  manifest: Manifest;
}

/** Where a new file may come from instead of being copied: other sets' own files, rewritten to this line. */
interface Carry {
  from: string[];
  /** The file carried to this line from the first set that has it, or undefined when none has. */
  read: (path: string) => string | undefined;
}

function carryOrigin(projectRoot: string, base: string, froms: readonly string[]): Carry | undefined {
  if (froms.length === 0) return undefined;
  const readers = froms.map((from) => {
    const rewrite = lineRewrite(from, base);
    if (!rewrite) throw new PatchSetError(join('patches', base, 'manifest.json'), `cannot carry new files from ${from}: there is no rewrite from its line to ${base}'s (src/patchset/lines.ts)`);
    const origin = treeReader(join(projectRoot, 'full', from));
    return (path: string) => {
      const text = origin(originPath(path, rewrite));
      return text === undefined ? undefined : carrySource(text, rewrite);
    };
  });
  return { from: [...froms], read: (path) => readers.map((read) => read(path)).find((text) => text !== undefined) };
}

export async function exportPatchSet(
  mobyDir: string,
  base: string,
  projectRoot: string,
  options: { release?: number; carryFrom?: readonly string[]; signal?: AbortSignal } = {},
): Promise<ExportResult> {
  const branch = new Branch(mobyDir, base, options.signal);
  await branch.checkBase();
  // The applied record is build-dockerd's note in a tree, never part of the feature.
  const changes = (await branch.changes()).filter((c) => c.path !== RECORD_FILE).sort((a, b) => byCodePoint(a.path, b.path));
  if (changes.length === 0) {
    throw new ExportRefusedError([], 'empty', `the branch has no commits past ${base}: nothing to export, patches/${base} is left as it is (commit the feature on a branch on top of ${base})`);
  }
  refuseUnsupported(changes);
  const patchesDir = join(projectRoot, 'patches', base);
  const fullDir = join(projectRoot, 'full', base);
  const previous = await previousExport(patchesDir, base);
  const release = options.release ?? previous.release ?? 1;
  const carry = carryOrigin(projectRoot, base, options.carryFrom ?? previous.carriedFrom);
  const out = await build(branch, changes, release, carry);

  await mkdir(patchesDir, { recursive: true });
  for (const patch of out.patches) await writeFile(join(patchesDir, patch.name), patch.text);
  await writeFile(join(patchesDir, 'series'), formatSeries(out.patches.map((p) => p.name)));
  await writeFile(join(patchesDir, 'manifest.json'), formatManifest(out.manifest));
  for (const file of out.full) {
    await mkdir(dirname(join(fullDir, file.path)), { recursive: true });
    await writeFile(join(fullDir, file.path), file.text, { mode: file.mode });
    await chmod(join(fullDir, file.path), file.mode); // an earlier export may have left another mode
  }
  const removed = await removeStale(patchesDir, fullDir, previous, out, base);
  const uncommitted = (await branch.uncommitted()).filter((path) => path !== RECORD_FILE);
  return { base, release, patchesDir, fullDir, patches: out.patches.map((p) => p.name), full: out.full.map((f) => f.path), carried: out.carried, removed, uncommitted };
}

function refuseUnsupported(changes: Change[]): void {
  const refuse = (pick: (c: Change) => boolean, reason: ExportRefusedError['reason'], hint: string) => {
    const paths = changes.filter(pick).map((c) => c.path);
    if (paths.length) throw new ExportRefusedError(paths, reason, hint);
  };
  // vendor.mod/vendor.sum describe vendor/: changing one without the other breaks the -mod=vendor build.
  refuse((c) => /^vendor(\/|\.mod$|\.sum$)/.test(c.path), 'vendor', 'the branch changes vendor/ (or vendor.mod/.sum); the patch set must build against moby\'s own vendored modules, drop those changes');
  refuse((c) => c.status === 'D', 'deleted', 'the branch deletes or renames moby files; the patch set may only modify files in place and add new ones');
  refuse((c) => c.status !== 'A' && c.status !== 'M', 'type-change', 'the branch changes the type of moby files (file ↔ symlink ↔ submodule); keep them regular files');
  refuse((c) => c.status === 'A' && !/^1006[0-7]{2}$/.test(c.newMode), 'type-change', 'the branch adds symlinks or submodules; add regular files only');
  refuse((c) => c.status === 'M' && c.oldMode !== c.newMode, 'mode-change', 'the branch changes file modes of moby files; keep their modes');
}

async function build(branch: Branch, changes: Change[], release: number, carry: Carry | undefined): Promise<Exported> {
  const manifest: Manifest = { base: branch.base, release, files: {}, full: {}, ...(carry ? { carriedFrom: carry.from.length === 1 ? carry.from[0]! : carry.from } : {}) };
  const out: Exported = { patches: [], full: [], carried: [], manifest };
  for (const change of changes) {
    const head = utf8(change.path, await branch.blob('HEAD', change.path));
    if (change.status === 'A') {
      // A file that is the other line's file carried over is not copied; only one that differs on purpose is.
      // Its sum is the other set's to keep: an edit there needs no export here.
      if (carry?.read(change.path) === head && change.newMode !== '100755') {
        out.carried.push(change.path);
        continue;
      }
      out.full.push({ path: change.path, text: head, mode: change.newMode === '100755' ? 0o755 : 0o644 });
      out.manifest.full[change.path] = sha256(head);
      continue;
    }
    const baseText = utf8(change.path, await branch.blob('base', change.path));
    const name = `${String(out.patches.length + 1).padStart(4, '0')}-${change.path.replaceAll('/', '-')}.patch`;
    const text = await branch.diff(change.path);
    // Prove the patch we are about to write rebuilds HEAD from the base blob, byte for byte.
    const rebuilt = runPatches({ patches: [parsePatchText(name, text)] }, change.path, baseText);
    if (!rebuilt.ok || rebuilt.after !== head) throw new PatchSetError(name, `does not rebuild HEAD:${change.path} from ${branch.base}`);
    out.patches.push({ name, text });
    out.manifest.files[change.path] = { base: sha256(baseText), patched: sha256(head) };
  }
  return out;
}

function utf8(path: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ExportRefusedError([path], 'binary', 'the branch changes or adds a binary (non UTF-8) file; the patch set holds text files only');
  }
}

interface Previous {
  release: number | undefined;
  carriedFrom: string[];
  patches: string[];
  full: string[];
}

/** What an earlier export wrote, from its series and manifest (nothing else in the folders is ours). */
async function previousExport(patchesDir: string, base: string): Promise<Previous> {
  // The first export of a base has no series, manifest or patches yet.
  const series = await readFile(join(patchesDir, 'series'), 'utf8').catch(orIfMissing(''));
  const manifestText = await readFile(join(patchesDir, 'manifest.json'), 'utf8').catch(orIfMissing(undefined));
  const manifest = manifestText === undefined ? undefined : parseManifest(manifestText, join('patches', base, 'manifest.json'));
  const listed = parseSeries(series, join('patches', base, 'series')).map((e) => e.name);
  const numbered = (await readdir(patchesDir).catch(orIfMissing([] as string[]))).filter((n) => /^\d{4}-.*\.patch$/.test(n));
  return { release: manifest?.release, carriedFrom: manifest ? carrySources(manifest) : [], patches: [...new Set([...listed, ...numbered])], full: Object.keys(manifest?.full ?? {}) };
}

async function removeStale(patchesDir: string, fullDir: string, previous: Previous, out: Exported, base: string): Promise<string[]> {
  const removed: string[] = [];
  const keepPatches = new Set(out.patches.map((p) => p.name));
  for (const name of previous.patches.filter((n) => !keepPatches.has(n)).sort(byCodePoint)) {
    await unlink(join(patchesDir, name)).catch(orIfMissing(undefined)); // already gone is what we want
    removed.push(join('patches', base, name));
  }
  const keepFull = new Set(out.full.map((f) => f.path));
  for (const path of previous.full.filter((p) => !keepFull.has(p)).sort(byCodePoint)) {
    // Already gone is what we want (a carried file never had a copy): only a real removal is reported.
    if (!(await unlink(join(fullDir, path)).then(() => true, orIfMissing(false)))) continue;
    removed.push(join('full', base, path));
    // Prune folders the removal emptied, up to full/<base>/ itself.
    for (let dir = dirname(join(fullDir, path)); dir.startsWith(fullDir + '/'); dir = dirname(dir)) {
      if (!(await rmdir(dir).then(() => true, () => false))) break;
    }
  }
  return removed;
}
