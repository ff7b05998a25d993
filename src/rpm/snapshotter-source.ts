/**
 * The staged extra-snapshotter/ that sources.ts archives as SOURCES/extra-snapshotter.tgz: what rpmbuild needs to build extra-snapshotter with no network.
 * The project's snapshotter/ module (without its build output and generated copies) and the
 * engine's full/ code it copies from (its `make generate`), staged under the build folder, then
 * `go mod vendor` (after a `make generate`, whose copies it must see, and which are removed again)
 * with the versions go.sum pins, fetched through the Go module proxy here, before the sandbox. The archive's top folder is extra-snapshotter/; the spec builds in its snapshotter/.
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SNAPSHOTTER_GO_ENV, SNAPSHOTTER_MODULE } from '../dockerd/snapshotter.ts';
import { run } from '../exec/run.ts';
import { SNAPSHOTTER_TOP } from './spec-snapshotter.ts';

/** Build output, generated copies and an old vendor/ stay out: the archive holds sources only. */
function isSource(path: string, moduleDir: string): boolean {
  const rel = path.slice(moduleDir.length + 1);
  return rel !== 'bin' && rel !== 'vendor' && !/^gen_.*\.go$/.test(basename(path));
}

/** Stages extra-snapshotter/ under `stageDir` (replacing an earlier one); returns its path. */
export async function stageSnapshotterSources(projectRoot: string, stageDir: string, logFile: string, signal?: AbortSignal): Promise<string> {
  const top = join(stageDir, SNAPSHOTTER_TOP);
  await rm(top, { recursive: true, force: true });
  await mkdir(top, { recursive: true });
  const source = join(projectRoot, SNAPSHOTTER_MODULE);
  const staged = join(top, SNAPSHOTTER_MODULE);
  await cp(source, staged, { recursive: true, filter: (path) => isSource(path, source) });
  await cp(join(projectRoot, 'full'), join(top, 'full'), { recursive: true });
  await rm(logFile, { force: true }); // one log per run: run() appends
  const opts = { cwd: staged, timeoutMs: 30 * 60_000, logFile, ...(signal ? { signal } : {}) };
  // The module's own packages include the generated copies: vendor sees every import only with them.
  await run('make', ['-C', staged, 'generate'], { ...opts, env: { ...SNAPSHOTTER_GO_ENV } });
  await run('go', ['mod', 'vendor'], { ...opts, env: { GOTOOLCHAIN: 'local', GOFLAGS: '' } });
  // Generated again by the spec's `make build`, from full/ and offline: the archive holds sources.
  await run('find', [join(staged, 'internal'), '-name', 'gen_*.go', '-delete'], opts);
  return top;
}
