/** The engine tags the project has a patch set for (alone, so `--version` loads nothing more). */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { orIfMissing } from '../errors.ts';

const versionOrder = new Intl.Collator('en', { numeric: true }).compare;

/** The bases the project has a patch set for: the folders under patches/, oldest first. */
export async function supportedBases(projectRoot: string): Promise<string[]> {
  // No patches/ folder: a project with no patch set yet, so no base.
  const entries = await readdir(join(projectRoot, 'patches'), { withFileTypes: true }).catch(orIfMissing([]));
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(versionOrder);
}
