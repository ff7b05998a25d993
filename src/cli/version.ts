/** What `--version` prints: the project's version, the engine lines it supports and their sets. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../project.ts';
import { supportedBases } from '../patchset/bases.ts';
import { describeLines } from '../moby/lines.ts';

export async function versionText(env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const root = projectRoot(env, cwd);
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  return `dockerd-extra ${version}\nengine lines: ${describeLines(await supportedBases(root))}\n`;
}
