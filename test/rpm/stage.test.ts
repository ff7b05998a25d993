/** The staged copy: the user's tree only read, local changes carried, patched and committed. */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stageTree, type PatchStep } from '../../src/rpm/stage.ts';
import { gitSync, removeDir, tempDir } from '../helpers.ts';
import { makeToyEngine } from './fixtures.ts';

const Stage = suite('stageTree');

const patch: PatchStep = async (dir) => {
  await writeFile(join(dir, 'daemon/extrastorage.go'), 'package daemon // extra\n');
  return { note: 'toy patch', release: 1, empty: false };
};

Stage('copies HEAD plus uncommitted and untracked changes, patches and commits the copy only', async () => {
  const user = await makeToyEngine();
  const work = await tempDir();
  try {
    await writeFile(join(user, 'daemon/daemon.go'), 'package daemon // edited\n');
    await writeFile(join(user, 'daemon/new.go'), 'package daemon // new\n');
    const before = gitSync(user, 'status', '--porcelain');
    const userHead = gitSync(user, 'rev-parse', 'HEAD').trim();

    const staged = await stageTree(user, join(work, 'stage/engine'), patch);
    const dir = staged.dir;
    assert.ok(staged.committed);
    assert.is(gitSync(dir, 'status', '--porcelain'), '', 'the copy is clean: no nightly 0.0.0~ version');
    assert.is(gitSync(dir, 'rev-parse', 'HEAD^').trim(), userHead, 'one commit on top of the user\'s HEAD');
    assert.is(await readFile(join(dir, 'daemon/daemon.go'), 'utf8'), 'package daemon // edited\n');
    assert.is(await readFile(join(dir, 'daemon/new.go'), 'utf8'), 'package daemon // new\n');
    assert.ok(existsSync(join(dir, 'daemon/extrastorage.go')));
    assert.is(staged.shortHead, gitSync(dir, 'rev-parse', '--short', 'HEAD').trim());

    // The user's tree: same HEAD, same local changes, no patch.
    assert.is(gitSync(user, 'rev-parse', 'HEAD').trim(), userHead);
    assert.is(gitSync(user, 'status', '--porcelain'), before);
    assert.not.ok(existsSync(join(user, 'daemon/extrastorage.go')));
  } finally {
    await removeDir(user);
    await removeDir(work);
  }
});

Stage('the same inputs give the same staged commit; a clean patched tree is not recommitted', async () => {
  const user = await makeToyEngine();
  const work = await tempDir();
  try {
    const first = await stageTree(user, join(work, 'a/engine'), patch);
    const second = await stageTree(user, join(work, 'b/engine'), patch);
    assert.is(second.head, first.head);
    const untouched = await stageTree(user, join(work, 'c/engine'), async () => ({ note: 'already', release: 1, empty: false }));
    assert.not.ok(untouched.committed);
    assert.is(untouched.head, gitSync(user, 'rev-parse', 'HEAD').trim());
  } finally {
    await removeDir(user);
    await removeDir(work);
  }
});

Stage('the staged commit has a fixed identity and the base commit\'s time, whatever the environment says', async () => {
  const user = await makeToyEngine();
  const work = await tempDir();
  const saved = { ...process.env };
  try {
    const first = await stageTree(user, join(work, 'a/engine'), patch);
    Object.assign(process.env, { GIT_COMMITTER_DATE: '2030-01-01T00:00:00Z', GIT_AUTHOR_NAME: 'someone', GIT_COMMITTER_EMAIL: 'me@example.com' });
    const second = await stageTree(user, join(work, 'b/engine'), patch);
    assert.is(second.head, first.head);
    const when = gitSync(user, 'log', '-1', '--format=%ct').trim();
    const fields = gitSync(first.dir, 'log', '-1', '--format=%an <%ae> %at%n%cn <%ce> %ct%n%B').trim();
    const who = `dockerd-extra <dockerd-extra@localhost> ${when}`;
    assert.is(fields, `${who}\n${who}\ndockerd-extra: patched tree staged for the RPM build`);
  } finally {
    for (const key of ['GIT_COMMITTER_DATE', 'GIT_AUTHOR_NAME', 'GIT_COMMITTER_EMAIL']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await removeDir(user);
    await removeDir(work);
  }
});

Stage.run();
