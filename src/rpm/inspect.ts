/**
 * Gathers RpmFacts with rpm's own tools: rpm -qp for the header, -qpl for the payload list, -qpR for
 * what it requires, --scripts for the scriptlets, -K for the digests, rpm2archive to unpack the
 * payload into the build folder and run the packaged dockerd and extra-snapshotter.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import type { RpmFacts } from './verify.ts';
import { orIfMissing } from '../errors.ts';

/** The packaged programs verification runs: the payload is unpacked when an RPM holds one. */
const PROGRAMS = ['/usr/bin/dockerd', '/usr/bin/extra-snapshotter'];

const QUERY = '%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%|SOURCERPM?{binary}:{source}|\\n';

/** The .rpm files rpmbuild left: RPMS/<arch>/*.rpm, then SRPMS/*.src.rpm. */
export async function findRpms(rpmsDir: string, srpmsDir: string): Promise<string[]> {
  const found: string[] = [];
  // rpmbuild creates RPMS/ and SRPMS/ only when it writes into them.
  for (const arch of (await readdir(rpmsDir, { withFileTypes: true }).catch(orIfMissing([]))).filter((e) => e.isDirectory())) {
    for (const name of await readdir(join(rpmsDir, arch.name))) if (name.endsWith('.rpm')) found.push(join(rpmsDir, arch.name, name));
  }
  for (const name of await readdir(srpmsDir).catch(orIfMissing([] as string[]))) if (name.endsWith('.src.rpm')) found.push(join(srpmsDir, name));
  return found.sort();
}

/** The packaged program's output (stdout and stderr), or undefined when the package has no such program. */
async function runPackaged(root: string, program: string, args: string[], signal?: AbortSignal): Promise<string | undefined> {
  const binary = join(root, 'usr/bin', program);
  if (!(await stat(binary).catch(orIfMissing(undefined)))) return undefined; // a package without it
  const out = await run(binary, args, { cwd: root, reject: false, timeoutMs: 30_000, ...(signal ? { signal } : {}) });
  return `${out.stdout}\n${out.stderr}`.trim();
}

export async function inspectRpm(path: string, extractDir: string, signal?: AbortSignal): Promise<RpmFacts> {
  const opts = { cwd: extractDir, ...(signal ? { signal } : {}) };
  await mkdir(extractDir, { recursive: true });
  const header = (await run('rpm', ['-qp', '--qf', QUERY, path], opts)).stdout.trim().split('\t');
  const [name = '', version = '', release = '', arch = '', kind = ''] = header;
  const files = (await run('rpm', ['-qpl', path], opts)).stdout.split('\n').filter(Boolean);
  const info = (await run('rpm', ['-qpi', path], opts)).stdout;
  const requires = (await run('rpm', ['-qpR', path], opts)).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const scripts = (await run('rpm', ['-qp', '--scripts', path], opts)).stdout;
  const digest = await run('rpm', ['-K', path], { ...opts, reject: false });
  const digestLine = digest.stdout.trim().split('\n')[0] ?? '';
  const facts: RpmFacts = {
    path,
    name,
    version,
    release,
    arch,
    size: (await stat(path)).size,
    source: kind === 'source',
    files,
    info,
    requires,
    scripts,
    digestsOk: digest.exitCode === 0 && /digests OK|\bOK$/.test(digestLine),
    digestLine,
  };
  if (facts.source || !files.some((f) => PROGRAMS.includes(f))) return facts;
  const root = join(extractDir, `${name}-${version}-${release}.${arch}`);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  // rpm2archive - reads the package on stdin and writes a tar of its payload on stdout.
  await run('bash', ['-c', 'set -o pipefail; rpm2archive -n - < "$1" | tar -x -C "$2"', 'extract', path, root], opts);
  const version_ = await runPackaged(root, 'dockerd', ['--version'], signal);
  const help = await runPackaged(root, 'dockerd', ['--help'], signal);
  const snapshotterHelp = await runPackaged(root, 'extra-snapshotter', ['--help'], signal);
  return {
    ...facts,
    ...(version_ !== undefined ? { dockerdVersion: version_.split('\n')[0] ?? '' } : {}),
    ...(help !== undefined ? { dockerdHelp: help } : {}),
    ...(snapshotterHelp !== undefined ? { snapshotterHelp } : {}),
  };
}
