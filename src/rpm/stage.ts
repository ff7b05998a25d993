/**
 * A committed copy of the user's moby tree to build from. The user's tree is only read. The copy
 * carries the user's uncommitted and untracked changes, gets the patch set if it lacks it, and is
 * committed: docker-ce-packaging's version script turns any uncommitted change into a nightly
 * 0.0.0~date version, and the commit is what `dockerd --version` names.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { git } from '../exec/git.ts';
import type { PatchOutcome } from './patch.ts';

export interface StagedTree {
  dir: string;
  /** Full and short hash of the staged commit. */
  head: string;
  shortHead: string;
  /** Whether staging made a commit (local changes or the patch set were added). */
  committed: boolean;
}

/** Applies the patch set to the staged copy when it is not applied yet; says what it did. */
export type PatchStep = (treeDir: string, signal?: AbortSignal) => Promise<PatchOutcome>;

/**
 * Commits the staged index with a fixed author, committer and date (the base commit's time), so the
 * same inputs give the same staged hash; `git commit` would stamp the current time and the user's
 * identity, and could sign.
 */
async function commitStaged(stageDir: string, head: string, signal?: AbortSignal): Promise<void> {
  const when = (await git(stageDir, signal).raw(['log', '-1', '--format=%ct', head])).trim();
  const name = 'dockerd-extra';
  const email = 'dockerd-extra@localhost';
  const date = `${when} +0000`;
  const stage = git(stageDir, signal, {
    GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_COMMITTER_DATE: date,
  });
  const tree = (await stage.raw(['write-tree'])).trim();
  const commit = (await stage.raw(['commit-tree', '--no-gpg-sign', tree, '-p', head, '-m', COMMIT_MESSAGE])).trim();
  await stage.raw(['update-ref', '--no-deref', 'HEAD', commit]);
}

const COMMIT_MESSAGE = 'dockerd-extra: patched tree staged for the RPM build';

async function carryLocalChanges(userTree: string, stageDir: string, scratch: string): Promise<number> {
  const user = git(userTree);
  const diff = await user.raw(['diff', '--binary', 'HEAD']);
  if (diff.trim()) {
    const file = join(scratch, 'local-changes.diff');
    await writeFile(file, diff);
    await git(stageDir).applyPatch(file, ['--binary', '--whitespace=nowarn']);
    await rm(file, { force: true });
  }
  const untracked = (await user.raw(['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  for (const path of untracked) {
    await mkdir(dirname(join(stageDir, path)), { recursive: true });
    await copyFile(join(userTree, path), join(stageDir, path));
  }
  return (diff.trim() ? 1 : 0) + untracked.length;
}

/** Re-creates `stageDir` from `userTree` at its HEAD plus its local changes, patched and committed. */
export async function stageTree(
  userTree: string,
  stageDir: string,
  patch: PatchStep,
  signal?: AbortSignal,
): Promise<StagedTree & { patch: PatchOutcome }> {
  await rm(stageDir, { recursive: true, force: true });
  await mkdir(dirname(stageDir), { recursive: true });
  const head = (await git(userTree).raw(['rev-parse', 'HEAD'])).trim();
  // --shared borrows the user's objects instead of copying moby's history; the stage is short-lived.
  await git(dirname(stageDir), signal).clone(userTree, stageDir, ['--quiet', '--shared', '--no-checkout']);
  const stage = git(stageDir, signal);
  await stage.raw(['checkout', '--quiet', '--detach', head]);
  await carryLocalChanges(userTree, stageDir, dirname(stageDir));
  const outcome = await patch(stageDir, signal);

  await stage.raw(['add', '--all']);
  const pending = (await stage.raw(['status', '--porcelain'])).trim() !== '';
  if (pending) {
    await commitStaged(stageDir, head, signal);
  }
  const newHead = (await stage.raw(['rev-parse', 'HEAD'])).trim();
  const shortHead = (await stage.raw(['rev-parse', '--short', 'HEAD'])).trim();
  return { dir: stageDir, head: newHead, shortHead, committed: pending, patch: outcome };
}
