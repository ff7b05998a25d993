/**
 * The real thing: docker-ce for centos-9 from MOBY_SRC (a v28.5.2 checkout) and PACKAGING_SRC (a
 * docker-ce-packaging 28.x checkout) with the project's patch set, a real Go compile of dockerd in
 * the sandbox, verified. MOBY_SRC is only read (staging clones it). DOCKERD_EXTRA_RPM_OUT keeps the
 * build folder (and its Go cache) between runs; otherwise a temp folder is used and removed.
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

const Real = suite('real native build of docker-ce');
const root = REPO;

function skipReason(): string | undefined {
  if (!process.env.PACKAGING_SRC) return 'PACKAGING_SRC is not set (a docker-ce-packaging 28.x checkout; .ci/run sets it)';
  if (!existsSync(join(root, 'patches/v28.5.2/series'))) return 'the project has no patches/v28.5.2 yet';
  return nativeSkipReason();
}

const moby = mobySource('real native build of docker-ce');
const skip = moby ? skipReason() : undefined;
if (moby && skip) console.log(`SKIPPED real native build of docker-ce: ${skip}`);

if (moby && !skip) {
  Real('builds and verifies docker-ce-28.5.2-1.extra<N>.el9 and its SRPM from a real compile', async () => {
    const keep = process.env.DOCKERD_EXTRA_RPM_OUT;
    const out = keep ?? (await tempDir('dockerd-extra-rpm-real-'));
    const before = gitSync(moby, 'status', '--porcelain');
    const started = Date.now();
    try {
      const state = await runRpm({
        moby,
        packaging: process.env.PACKAGING_SRC!,
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
      const binary = state.rpms.find((r) => !r.source)!;
      const source = state.rpms.find((r) => r.source)!;
      assert.is(binary.path.split('/').at(-1), `docker-ce-28.5.2-1.extra${release}.el9.x86_64.rpm`);
      assert.is(source.path.split('/').at(-1), `docker-ce-28.5.2-1.extra${release}.el9.src.rpm`);
      assert.is(binary.dockerdVersion, `Docker version 28.5.2-extra.${release}, build ${state.staged!.shortHead}`);
      assert.match(binary.dockerdHelp ?? '', /--extra-storage/);
      assert.not.ok(existsSync('/go'), 'the spec\'s /go stayed in the sandbox');
      assert.is(gitSync(moby, 'status', '--porcelain'), before, 'MOBY_SRC is only read');
      console.log(`real rpm build: ${Math.round((Date.now() - started) / 1000)}s, ${state.rpms.map((r) => `${r.path} (${r.size} bytes)`).join(', ')}`);
    } finally {
      if (!keep) await removeDir(out);
    }
  });
}

Real.run();
