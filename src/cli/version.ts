/** What `--version` prints: the project's version and the engine tags it has a patch set for. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../project.ts';
import { supportedBases } from '../patchset/bases.ts';

export async function versionText(env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const root = projectRoot(env, cwd);
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const tags = await supportedBases(root);
  return `dockerd-extra ${version}\nsupported engine tags: ${tags.length ? tags.join(' ') : '(none: patches/ is empty)'}\n`;
}
