/**
 * The real thing: docker-ce for centos-9 from a real moby tree and its docker-ce-packaging branch
 * with the project's patch set, a real Go compile of dockerd in the sandbox, verified; on v29 also
 * docker-ce-extra-snapshotter, the project's snapshotter compiled from its vendored sources. One case per
 * engine line, each run only when its two variables are set:
 *   v28: MOBY_SRC (a v28.5.2 checkout) and PACKAGING_SRC (a 28.x checkout);
 *   v29: MOBY_SRC_V29 (a docker-v29.7.2 checkout) and PACKAGING_SRC_MASTER (a master checkout).
 * The moby trees are only read (staging clones them). DOCKERD_EXTRA_RPM_OUT keeps the build folder
 * (and its Go cache) between runs, "-v29" appended for the v29 case; otherwise a temp folder is used
 * and removed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultCacheRoot } from '../../src/moby/checkout.ts';
import { runRpm } from '../../src/rpm/pipeline.ts';
import { gitSync, mobySource, removeDir, tempDir } from '../helpers.ts';
import { nativeSkipReason, TINI_STATIC } from './fixtures.ts';
import { PACKAGE_ROOT as REPO } from '../../src/project.ts';
import { SNAPSHOTTER_FILES } from '../../src/rpm/spec-snapshotter.ts';

const Real = suite('real native build of docker-ce');
const root = REPO;

interface RealCase {
  line: string;
  mobyVar: 'MOBY_SRC' | 'MOBY_SRC_V29';
  packagingVar: string;
  packagingBranch: string;
  patchBase: string;
  version: string;
  /** What the packaging branch's spec makes docker-ce require of containerd. */
  containerd: string;
  outSuffix: string;
  /** docker-ce-extra-snapshotter is built too (the containerd image store line). */
  snapshotter: boolean;
}

const CASES: readonly RealCase[] = [
  {
    line: 'v28', mobyVar: 'MOBY_SRC', packagingVar: 'PACKAGING_SRC', packagingBranch: '28.x',
    patchBase: 'v28.5.2', version: '28.5.2', containerd: 'containerd.io >= 1.7.27', outSuffix: '', snapshotter: false,
  },
  {
    line: 'v29', mobyVar: 'MOBY_SRC_V29', packagingVar: 'PACKAGING_SRC_MASTER', packagingBranch: 'master',
    patchBase: 'docker-v29.7.2', version: '29.7.2', containerd: 'containerd.io >= 2.1.5', outSuffix: '-v29', snapshotter: true,
  },
];

function skipReason(c: RealCase): string | undefined {
  if (!process.env[c.packagingVar]) return `${c.packagingVar} is not set (a docker-ce-packaging ${c.packagingBranch} checkout; .ci/run sets it)`;
  if (!existsSync(join(root, 'patches', c.patchBase, 'series'))) return `the project has no patches/${c.patchBase} yet`;
  return nativeSkipReason();
}

for (const c of CASES) {
  const title = `real native build of docker-ce ${c.line}`;
  const moby = mobySource(title, c.mobyVar);
  const skip = moby ? skipReason(c) : undefined;
  if (moby && skip) console.log(`SKIPPED ${title}: ${skip}`);
  if (!moby || skip) continue;

  Real(`builds and verifies docker-ce-${c.version}-1.extra<N>.el9 and its SRPM from a real compile (${c.line})`, async () => {
    const keep = process.env.DOCKERD_EXTRA_RPM_OUT;
    const out = keep ? keep + c.outSuffix : await tempDir('dockerd-extra-rpm-real-');
    const before = gitSync(moby, 'status', '--porcelain');
    const started = Date.now();
    try {
      const state = await runRpm({
        moby,
        packaging: process.env[c.packagingVar]!,
        distro: 'centos-9',
        mode: 'native',
        out,
        cwd: root,
        projectRoot: root,
        projectRpmDir: join(root, 'rpm'),
        cacheDir: defaultCacheRoot(process.env),
        tiniStatic: TINI_STATIC,
        uid: process.getuid?.() ?? -1,
      });
      const release = state.staged!.patch.release;
      const binary = state.rpms.find((r) => !r.source && r.name === 'docker-ce')!;
      const source = state.rpms.find((r) => r.source)!;
      assert.is(state.packaging!.branch, c.packagingBranch);
      assert.is(binary.path.split('/').at(-1), `docker-ce-${c.version}-1.extra${release}.el9.x86_64.rpm`);
      assert.is(source.path.split('/').at(-1), `docker-ce-${c.version}-1.extra${release}.el9.src.rpm`);
      assert.is(binary.dockerdVersion, `Docker version ${c.version}-extra.${release}, build ${state.staged!.shortHead}`);
      assert.match(binary.dockerdHelp ?? '', /--extra-storage/);
      assert.ok(binary.requires.includes(c.containerd), `requires ${c.containerd}: ${binary.requires.join(', ')}`);
      const snapshotter = state.rpms.find((r) => r.name === 'docker-ce-extra-snapshotter');
      if (c.snapshotter) {
        // rpm -qlp of the sub-package: the binary, the unit, containerd's drop-in; and the binary runs.
        assert.ok(snapshotter, 'docker-ce-extra-snapshotter was built');
        assert.is(snapshotter!.path.split('/').at(-1), `docker-ce-extra-snapshotter-${c.version}-1.extra${release}.el9.x86_64.rpm`);
        for (const file of SNAPSHOTTER_FILES) assert.ok(snapshotter!.files.includes(file), `${file} in ${snapshotter!.files.join(' ')}`);
        assert.match(snapshotter!.snapshotterHelp ?? '', 'Usage: extra-snapshotter');
        console.log(`real rpm build ${c.line}: rpm -qlp ${snapshotter!.path}: ${snapshotter!.files.join(' ')}`);
      } else {
        assert.is(snapshotter, undefined, `${c.line} packages no extra-snapshotter`);
      }
      assert.not.ok(existsSync('/go'), 'the spec\'s /go stayed in the sandbox');
      assert.is(gitSync(moby, 'status', '--porcelain'), before, `${c.mobyVar} is only read`);
      console.log(`real rpm build ${c.line}: ${Math.round((Date.now() - started) / 1000)}s, ${state.rpms.map((r) => `${r.path} (${r.size} bytes)`).join(', ')}`);
    } finally {
      if (!keep) await removeDir(out);
    }
  });
}

Real.run();
