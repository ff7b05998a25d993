/**
 * Loading a patch set from the project: patches/<base>/{series, *.patch, manifest.json} and the whole
 * files under full/<base>/. Everything is checked against everything else here, once, so that the
 * planners can trust what they get: every patch is listed in series and parses, the manifest covers
 * exactly the touched files and exactly the full/ files.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { UnsupportedVersionError } from '../moby/errors.ts';
import type { ChosenSet } from '../moby/lines.ts';
import { newestBase, requireSet } from '../moby/version.ts';
import { supportedBases } from './bases.ts';
import { MalformedPatchError, ManifestMismatchError, PatchSetError } from './errors.ts';
import { orIfMissing } from '../errors.ts';
import { byCodePoint, sha256 } from '../digest.ts';
import { carrySources, parseManifest, type Manifest } from './manifest.ts';
import { parsePatchText, type ParsedPatch } from './parse.ts';
import { parseSeries, type SeriesEntry } from './series.ts';
import { carryPath, carrySource, lineRewrite } from './lines.ts';

export type { Manifest } from './manifest.ts';
export type { ParsedPatch, FilePatch, Hunk } from './parse.ts';
export type { SeriesEntry } from './series.ts';
export { supportedBases } from './bases.ts';

export interface PatchSet {
  base: string;
  /** Why this set: the tree's tag and whether the set is its own (exact) or the nearest of its line. */
  choice: ChosenSet;
  patchesDir: string;
  fullDir: string;
  series: SeriesEntry[];
  /** In series order. */
  patches: ParsedPatch[];
  /** moby paths of the files under full/<base>/, sorted. */
  fullFiles: string[];
  /** Permission bits of each full/ file, so an executable script stays executable in the tree. */
  fullModes: Record<string, number>;
  manifest: Manifest;
  /** The new files carried from another line's set (manifest "carriedFrom"): moby path → path there. */
  carried?: Carried;
}

export interface Carried {
  /** The sets carried from, as the manifest lists them ("v28.5.2, docker-v29.7.2"). */
  from: string;
  /** moby path on this line → path under full/<from>/. */
  files: Record<string, string>;
  /** moby path on this line → the file's text as carried (read and checked once, at load). */
  texts: Record<string, string>;
}

/** The newest base: what a clone without --ref checks out; refused, with the list, when there is none. */
export async function defaultBase(projectRoot: string): Promise<string> {
  const bases = await supportedBases(projectRoot);
  const newest = newestBase(bases);
  if (!newest) throw new UnsupportedVersionError('(any)', bases, 'no-sets');
  return newest;
}

export function isEmptySet(set: Pick<PatchSet, 'patches' | 'fullFiles'>): boolean {
  return set.patches.length === 0 && set.fullFiles.length === 0;
}

/** The set for a tree at `tag`: its own, or the nearest of its line (chooseSet); refused with the supported lines. */
export async function loadPatchSet(projectRoot: string, tag: string): Promise<PatchSet> {
  const choice = requireSet(tag, await supportedBases(projectRoot));
  const { base } = choice;
  const patchesDir = join(projectRoot, 'patches', base);
  const fullDir = join(projectRoot, 'full', base);
  const shown = (name: string) => join('patches', base, name);

  const seriesText = await readFile(join(patchesDir, 'series'), 'utf8').catch(orIfMissing(undefined));
  if (seriesText === undefined) throw new PatchSetError(shown('series'), 'missing: list the patch files in the order they apply');
  const series = parseSeries(seriesText, shown('series'));
  const onDisk = (await readdir(patchesDir)).filter((n) => n.endsWith('.patch'));
  const listed = new Set(series.map((e) => e.name));
  const unlisted = onDisk.filter((n) => !listed.has(n)).sort(byCodePoint);
  if (unlisted.length) throw new PatchSetError(shown(unlisted[0]!), 'is not listed in series');

  const patches: ParsedPatch[] = [];
  for (const entry of series) {
    if (!onDisk.includes(entry.name)) {
      throw new MalformedPatchError(shown('series'), entry.line, `${entry.name} does not exist`);
    }
    patches.push(parsePatchText(shown(entry.name), await readFile(join(patchesDir, entry.name), 'utf8')));
  }

  const manifestFile = shown('manifest.json');
  const manifestText = await readFile(join(patchesDir, 'manifest.json'), 'utf8').catch(orIfMissing(undefined));
  if (manifestText === undefined) throw new PatchSetError(manifestFile, 'missing');
  const manifest = parseManifest(manifestText, manifestFile);
  if (manifest.base !== base) throw new PatchSetError(manifestFile, `says base ${manifest.base}, expected ${base}`);

  const own = await listFull(fullDir);
  checkCoverage(manifestFile, patches, own.files, manifest);
  const froms = carrySources(manifest);
  if (froms.length === 0) {
    return { base, choice, patchesDir, fullDir, series, patches, fullFiles: own.files, fullModes: own.modes, manifest };
  }
  const carried = { set: { from: froms.join(', '), files: {}, texts: {} } as Carried, modes: {} as Record<string, number>, sums: {} as Record<string, string> };
  for (const from of froms) {
    const one = await loadCarried(projectRoot, base, from, froms, manifestFile, own.files);
    const twice = Object.keys(one.set.files).filter((p) => p in carried.set.files);
    if (twice.length) throw new PatchSetError(manifestFile, `${twice.join(', ')} is carried from ${from} and from ${carried.set.from}: keep one of the files`);
    Object.assign(carried.set.files, one.set.files);
    Object.assign(carried.set.texts, one.set.texts);
    Object.assign(carried.modes, one.modes);
    Object.assign(carried.sums, one.sums);
  }
  const both = touchedPaths({ patches }).filter((p) => p in carried.set.files);
  if (both.length) throw new PatchSetError(manifestFile, `${both.join(', ')} is both patched and carried from ${carried.set.from}`);
  return {
    base,
    choice,
    patchesDir,
    fullDir,
    series,
    patches,
    fullFiles: [...own.files, ...Object.keys(carried.set.files)].sort(byCodePoint),
    fullModes: { ...carried.modes, ...own.modes },
    // In memory only: the carried files' sums join the set's own, so every planner checks them alike.
    manifest: { ...manifest, full: { ...carried.sums, ...manifest.full } },
    carried: carried.set,
  };
}

/**
 * The other set's own new files under this line's paths, except those full/<base>/ replaces. Each is
 * checked against the other set's manifest before it is carried, so an edit to full/<from>/ needs
 * an export of <from> only, and every set carrying from it follows. A set that itself carries holds
 * only some of the files: this set must carry from the sets it carries from too (all).
 */
async function loadCarried(projectRoot: string, base: string, from: string, all: readonly string[], manifestFile: string, own: readonly string[]) {
  const rewrite = lineRewrite(from, base);
  if (!rewrite) throw new PatchSetError(manifestFile, `says "carriedFrom": "${from}", but there is no rewrite from ${from}'s line to ${base}'s (src/patchset/lines.ts)`);
  const originFile = join('patches', from, 'manifest.json');
  const originText = await readFile(join(projectRoot, originFile), 'utf8').catch(orIfMissing(undefined));
  if (originText === undefined) throw new PatchSetError(manifestFile, `says "carriedFrom": "${from}", but ${originFile} does not exist`);
  const originManifest = parseManifest(originText, originFile);
  const missing = carrySources(originManifest).filter((f) => !all.includes(f));
  if (missing.length) throw new PatchSetError(manifestFile, `says "carriedFrom": "${from}", which itself carries from ${missing.join(', ')}: carry from the sets that hold the files (list ${missing.join(', ')} too)`);
  const fullDir = join(projectRoot, 'full', from);
  const origin = await listFull(fullDir);
  checkFullCoverage(originFile, origin.files, originManifest);
  const replaced = new Set(own);
  const set: Carried = { from, files: {}, texts: {} };
  const modes: Record<string, number> = {};
  const sums: Record<string, string> = {};
  for (const path of origin.files) {
    const here = carryPath(path, rewrite);
    if (replaced.has(here)) continue;
    const text = await readFile(join(fullDir, path), 'utf8');
    const sum = sha256(text);
    if (sum !== originManifest.full[path]) throw new ManifestMismatchError(join('full', from, path), 'full', originManifest.full[path]!, sum);
    set.files[here] = path;
    set.texts[here] = carrySource(text, rewrite);
    modes[here] = origin.modes[path]!;
    sums[here] = sha256(set.texts[here]);
  }
  return { set, modes, sums };
}

/** Every moby path the patches touch, in first-touched order. */
export function touchedPaths(set: Pick<PatchSet, 'patches'>): string[] {
  return [...new Set(set.patches.flatMap((p) => p.files.map((f) => f.path)))];
}

function checkCoverage(file: string, patches: ParsedPatch[], fullFiles: string[], manifest: Manifest): void {
  const touched = touchedPaths({ patches });
  const missing = touched.filter((p) => !(p in manifest.files));
  if (missing.length) throw new PatchSetError(file, `has no entry under "files" for ${missing.join(', ')}`);
  const extra = Object.keys(manifest.files).filter((p) => !touched.includes(p));
  if (extra.length) throw new PatchSetError(file, `lists ${extra.join(', ')} under "files" but no patch touches it`);
  checkFullCoverage(file, fullFiles, manifest);
  const fullSet = new Set(fullFiles);
  const both = touched.filter((p) => fullSet.has(p));
  if (both.length) throw new PatchSetError(file, `${both.join(', ')} is both patched and a full/ file`);
}

function checkFullCoverage(file: string, fullFiles: readonly string[], manifest: Manifest): void {
  const fullSet = new Set(fullFiles);
  const notListed = fullFiles.filter((p) => !(p in manifest.full));
  if (notListed.length) throw new PatchSetError(file, `has no entry under "full" for ${notListed.join(', ')}`);
  const absent = Object.keys(manifest.full).filter((p) => !fullSet.has(p));
  if (absent.length) throw new PatchSetError(file, `lists ${absent.join(', ')} under "full" but the file is not in full/`);
}

/** The files under full/<base>/ (absent folder = none), as moby paths. */
async function listFull(fullDir: string): Promise<{ files: string[]; modes: Record<string, number> }> {
  const entries = await readdir(fullDir, { recursive: true, withFileTypes: true }).catch((error) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  const files: string[] = [];
  const modes: Record<string, number> = {};
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const abs = join(entry.parentPath, entry.name);
    const path = relative(fullDir, abs).split(sep).join('/');
    files.push(path);
    modes[path] = (await stat(abs)).mode & 0o777;
  }
  return { files: files.sort(byCodePoint), modes };
}
