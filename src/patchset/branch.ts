/**
 * What a moby branch changes on top of its base tag, read through git (src/exec/git.ts): the list of
 * changed paths with their modes, one file's diff in a fixed format, and blobs. The diff is pinned
 * down by explicit options, so a user's git config (noprefix, algorithm, context, colour, external
 * diff drivers) cannot change the bytes an export writes.
 */
import { changedFiles, git, type SimpleGit } from '../exec/git.ts';
import { ExportRefusedError } from './errors.ts';

export interface Change {
  path: string;
  /** git's status letter: A added, M modified, D deleted, T type changed. */
  status: string;
  oldMode: string;
  newMode: string;
}

export class Branch {
  private readonly repo: SimpleGit;
  constructor(
    readonly mobyDir: string,
    readonly base: string,
    signal?: AbortSignal,
  ) {
    this.repo = git(mobyDir, signal);
  }

  /** Refuse a checkout without the base tag, or whose HEAD is not built on it. */
  async checkBase(): Promise<void> {
    const commit = (await this.repo.raw(['rev-parse', '--verify', '-q', `${this.base}^{commit}`])).trim();
    if (!commit) {
      throw new ExportRefusedError([], 'missing-base', `${this.mobyDir} has no tag ${this.base}; fetch the tag (git fetch origin tag ${this.base}) or pass --base`);
    }
    const mergeBase = (await this.repo.raw(['merge-base', commit, 'HEAD'])).trim();
    if (mergeBase !== commit) {
      throw new ExportRefusedError([], 'missing-base', `HEAD of ${this.mobyDir} is not a branch on top of ${this.base}; rebase it onto ${this.base}`);
    }
  }

  async changes(): Promise<Change[]> {
    const raw = await this.repo.raw(['diff', '--raw', '-z', '--no-abbrev', '--no-renames', '--no-ext-diff', this.base, 'HEAD']);
    const parts = raw.split('\0');
    const out: Change[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const [oldMode, newMode, , , status] = parts[i]!.replace(/^\s*:/, '').split(' ');
      out.push({ path: parts[i + 1]!, status: status!, oldMode: oldMode!, newMode: newMode! });
    }
    return out;
  }

  /** The git-style diff of one path, base → HEAD, without the `index` line (its hashes churn). */
  async diff(path: string): Promise<string> {
    const text = await this.repo.raw([
      '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false', '-c', 'diff.suppressBlankEmpty=false',
      '-c', 'core.quotePath=true', '-c', 'diff.relative=false',
      'diff', '--no-color', '--no-ext-diff', '--no-textconv', '--diff-algorithm=myers', '--indent-heuristic',
      '--unified=3', '--src-prefix=a/', '--dst-prefix=b/', '--no-renames',
      this.base, 'HEAD', '--', path,
    ]);
    return text.replace(/^index [0-9a-f]+\.\.[0-9a-f]+( \d+)?\n/m, '');
  }

  /** Files changed or added but not committed: an export reads commits only, so the user should know. */
  async uncommitted(): Promise<string[]> {
    return (await changedFiles(this.mobyDir)).sort();
  }

  /** Blob bytes at the base tag or at HEAD. */
  async blob(rev: 'base' | 'HEAD', path: string): Promise<Buffer> {
    return this.repo.showBuffer([`${rev === 'base' ? this.base : 'HEAD'}:${path}`]);
  }
}
