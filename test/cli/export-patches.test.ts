import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitSync, removeDir, tempDir } from '../helpers.ts';
import { makeMobyTree } from '../moby/fixtures.ts';
import { FULL_FILE, lastLine, PATCHED_CONFIG, runCli } from '../dockerd/fixtures.ts';

const Export = suite('cli/export-patches');

/** A fixture moby tree with a feature branch: one hooked file, one new file. */
async function featureBranch(): Promise<string> {
  const tree = await makeMobyTree('v28.5.2');
  gitSync(tree, 'checkout', '-q', '-b', 'extra-storage');
  await writeFile(join(tree, 'cmd/dockerd/config.go'), PATCHED_CONFIG);
  await mkdir(join(tree, 'daemon/extra'), { recursive: true });
  await writeFile(join(tree, 'daemon/extra/storage.go'), FULL_FILE);
  gitSync(tree, 'add', '.');
  gitSync(tree, 'commit', '-q', '-m', 'extra storage');
  return tree;
}

async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(root.length + 1)] = await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

Export('exports the branch with counts; a second export is byte-identical; build-dockerd plans it', async () => {
  const tree = await featureBranch();
  const project = await tempDir();
  const env = { ...process.env, DOCKERD_EXTRA_ROOT: project, CI: '1' };
  try {
    const r = await runCli(['export-patches', '--moby', tree], project, env);
    assert.is(r.code, 0, r.stderr);
    assert.is(lastLine(r.stdout), `exported 1 patch(es) and 1 new file(s) from ${tree} (v28.5.2..HEAD) to patches/v28.5.2 and full/v28.5.2, release 1`);
    const first = await snapshot(project);
    assert.is(first['full/v28.5.2/daemon/extra/storage.go'], FULL_FILE);
    assert.ok(first['patches/v28.5.2/manifest.json']);

    const again = await runCli(['export-patches', '--moby', tree, '--base', 'v28.5.2'], project, env);
    assert.is(again.code, 0, again.stderr);
    assert.equal(await snapshot(project), first);

    const fresh = await makeMobyTree('v28.5.2');
    try {
      const plan = await runCli(['build-dockerd', '--moby', fresh, '--no-build'], project, env);
      assert.is(plan.code, 0, plan.stderr);
      assert.is(await readFile(join(fresh, 'cmd/dockerd/config.go'), 'utf8'), PATCHED_CONFIG);
      assert.is(await readFile(join(fresh, 'daemon/extra/storage.go'), 'utf8'), FULL_FILE);
    } finally {
      await removeDir(fresh);
    }
  } finally {
    await removeDir(tree);
    await removeDir(project);
  }
});

Export('--release stamps the manifest', async () => {
  const tree = await featureBranch();
  const project = await tempDir();
  try {
    const r = await runCli(['export-patches', '--moby', tree, '--release', '3'], project, { ...process.env, DOCKERD_EXTRA_ROOT: project });
    assert.is(r.code, 0, r.stderr);
    assert.match(lastLine(r.stdout), ', release 3');
    assert.is(JSON.parse(await readFile(join(project, 'patches/v28.5.2/manifest.json'), 'utf8')).release, 3);
  } finally {
    await removeDir(tree);
    await removeDir(project);
  }
});

Export('usage mistakes exit 2 with one line and write nothing', async () => {
  const project = await tempDir();
  const env = { ...process.env, DOCKERD_EXTRA_ROOT: project };
  try {
    for (const [args, text] of [
      [['export-patches'], 'needs --moby PATH'],
      [['export-patches', '--moby', '/nonexistent'], 'does not exist'],
      [['export-patches', '--moby', project, '--release', '0'], '--release must be a positive whole number'],
    ] as const) {
      const r = await runCli([...args], project, env);
      assert.is(r.code, 2, r.stderr);
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, text);
    }
    assert.not.ok(existsSync(join(project, 'patches')));
  } finally {
    await removeDir(project);
  }
});

Export('a branch that touches vendor/ is refused (exit 1)', async () => {
  const tree = await featureBranch();
  const project = await tempDir();
  try {
    await mkdir(join(tree, 'vendor/example.com/invented'), { recursive: true });
    await writeFile(join(tree, 'vendor/example.com/invented/x.go'), 'package invented\n');
    gitSync(tree, 'add', '.');
    gitSync(tree, 'commit', '-q', '-m', 'vendor change');
    const r = await runCli(['export-patches', '--moby', tree], project, { ...process.env, DOCKERD_EXTRA_ROOT: project });
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, 'vendor/example.com/invented/x.go');
    assert.not.ok(existsSync(join(project, 'patches')));
  } finally {
    await removeDir(tree);
    await removeDir(project);
  }
});

Export.run();
