/** The engine tags the project has a patch set for (alone, so `--version` loads nothing more). */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const versionOrder = new Intl.Collator('en', { numeric: true }).compare;

/** The bases the project has a patch set for: the folders under patches/, oldest first. */
export async function supportedBases(projectRoot: string): Promise<string[]> {
  const entries = await readdir(join(projectRoot, 'patches'), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(versionOrder);
}
