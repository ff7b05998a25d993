/**
 * A temp project root (what DOCKERD_EXTRA_ROOT points at) with its own patches/v28.5.2 and
 * full/v28.5.2 written for the fixture moby tree of test/moby/fixtures.ts, so the build-dockerd
 * suites never depend on the real patch set. The patch is a template literal; the manifest's
 * sums are computed from the fixture's own files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { tempDir, writeFiles } from '../helpers.ts';
import { MOBY_FILES } from '../moby/fixtures.ts';
import { PACKAGE_ROOT as REPO } from '../../src/project.ts';
import { sha256 } from '../../src/digest.ts';


export const PATCH = `diff --git a/cmd/dockerd/config.go b/cmd/dockerd/config.go
--- a/cmd/dockerd/config.go
+++ b/cmd/dockerd/config.go
@@ -4,4 +4,5 @@ func installFlags() {
 func installFlags() {
 \tflagA()
 \tflagB()
+\tinstallExtraStorageFlag()
 }
`;

export const PATCHED_CONFIG = MOBY_FILES['cmd/dockerd/config.go']!.replace('\tflagB()\n', '\tflagB()\n\tinstallExtraStorageFlag()\n');
export const FULL_FILE = 'package extra\n\n// Invented stand-in for the feature code.\nfunc Mount() error { return nil }\n';

/** Release 2 of the fixture set: another hook line and another new file (for upgrade tests). */
export const PATCHED_CONFIG_2 = PATCHED_CONFIG.replace('installExtraStorageFlag()', 'installExtraStorageFlags(true)');
export const FULL_FILE_2 = FULL_FILE.replace('return nil', 'return mountStore()');
const PATCH_2 = PATCH.replace('installExtraStorageFlag()', 'installExtraStorageFlags(true)');

/** A project root with a one-patch, one-new-file set for v28.5.2 (or an empty one); `into` rewrites one. */
export async function makeProject(options: { empty?: boolean; release?: number; into?: string } = {}): Promise<string> {
  const root = options.into ?? (await tempDir('dockerd-extra-project-'));
  const release = options.release ?? 1;
  const second = release === 2;
  if (options.empty) {
    await writeFiles(root, {
      'patches/v28.5.2/series': '',
      'patches/v28.5.2/manifest.json': JSON.stringify({ base: 'v28.5.2', release, files: {}, full: {} }),
    });
    return root;
  }
  const manifest = {
    base: 'v28.5.2',
    release,
    files: { 'cmd/dockerd/config.go': { base: sha256(MOBY_FILES['cmd/dockerd/config.go']!), patched: sha256(second ? PATCHED_CONFIG_2 : PATCHED_CONFIG) } },
    full: { 'daemon/extra/storage.go': sha256(second ? FULL_FILE_2 : FULL_FILE) },
  };
  await writeFiles(root, {
    'patches/v28.5.2/series': '0001-cmd-dockerd-config.go.patch\n',
    'patches/v28.5.2/0001-cmd-dockerd-config.go.patch': second ? PATCH_2 : PATCH,
    'patches/v28.5.2/manifest.json': JSON.stringify(manifest, null, 2) + '\n',
    'full/v28.5.2/daemon/extra/storage.go': second ? FULL_FILE_2 : FULL_FILE,
  });
  return root;
}

const TSX = join(REPO, 'node_modules/tsx/dist/loader.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `dockerd-extra <args>` as a user does: a new node process, cwd and env of the caller's choosing (quiet unless env sets DOCKERD_EXTRA_QUIET=0). */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv, onStart?: (child: ChildProcess) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, join(REPO, 'src/bin.ts'), ...args], {
      cwd,
      env: { ...env, DOCKERD_EXTRA_QUIET: env.DOCKERD_EXTRA_QUIET ?? '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onStart?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last non-empty line a run printed on stdout (its closing line). */
export function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
