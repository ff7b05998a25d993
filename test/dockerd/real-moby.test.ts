/**
 * build-dockerd against a real moby tree (MOBY_SRC, set by .ci/run) with the project's real patch
 * set: --dry-run prints the plan and changes nothing, --no-build applies exactly the files the
 * patch set owns. The tree is a shared clone in a temp dir, never MOBY_SRC itself. No Go build here:
 * the e2e does that.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitSync, mobySource, removeDir, tempDir, writeFiles } from '../helpers.ts';
import { lastLine, runCli } from './fixtures.ts';
import { PACKAGE_ROOT as REPO } from '../../src/project.ts';

const Real = suite('build-dockerd on MOBY_SRC');
const src = mobySource('build-dockerd on MOBY_SRC');

/** The real project when it has a set for the tree's tag, else a temp project with an empty set. */
async function projectFor(tag: string): Promise<{ root: string; real: boolean }> {
  if (existsSync(join(REPO, 'patches', tag, 'series'))) return { root: REPO, real: true };
  console.log(`NOTE build-dockerd on MOBY_SRC: patches/${tag} does not exist yet; checking the empty-set path instead`);
  const root = await tempDir('dockerd-extra-project-');
  await writeFiles(root, {
    [`patches/${tag}/series`]: '',
    [`patches/${tag}/manifest.json`]: JSON.stringify({ base: tag, release: 1, files: {}, full: {} }),
  });
  return { root, real: false };
}

if (src) {
  Real('--dry-run prints the plan and changes nothing; --no-build applies only the set', async () => {
    const work = await tempDir();
    const tree = join(work, 'moby');
    gitSync(work, 'clone', '-q', '--shared', src, tree);
    const tag = gitSync(tree, 'describe', '--tags').trim();
    const project = await projectFor(tag);
    const env = { ...process.env, DOCKERD_EXTRA_ROOT: project.root, CI: '1' };
    try {
      const dry = await runCli(['build-dockerd', '--moby', tree, '--dry-run'], work, env);
      assert.is(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, `plan for ${tree} (patch set ${tag} release`);
      assert.match(lastLine(dry.stdout), /^dry run: \d+ file\(s\) would be written/);
      assert.is(gitSync(tree, 'status', '--porcelain'), '');
      if (!project.real) assert.match(dry.stdout, 'is empty: nothing to apply');

      const apply = await runCli(['build-dockerd', '--moby', tree, '--no-build'], work, env);
      assert.is(apply.code, 0, apply.stderr);
      assert.match(lastLine(apply.stdout), /not built \(--no-build\)$/);
      const changed = gitSync(tree, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).map((l) => l.slice(3)).sort();
      if (project.real) {
        const record = JSON.parse(await readFile(join(tree, '.dockerd-extra-applied.json'), 'utf8')) as { files: Record<string, string> };
        assert.equal(changed, ['.dockerd-extra-applied.json', ...Object.keys(record.files)].sort());
        const again = await runCli(['build-dockerd', '--moby', tree, '--dry-run'], work, env);
        assert.is(again.code, 0, again.stderr);
        assert.match(again.stdout, 'already applied');
      } else {
        assert.equal(changed, []);
      }
    } finally {
      await removeDir(work);
      if (!project.real) await removeDir(project.root);
    }
  });
}
// Without MOBY_SRC the suite holds no test; mobySource() printed the SKIPPED line. (Real.skip would
// make scripts/test.mjs count -1 failures: it computes failed = total - passed - skipped.)

Real.run();
