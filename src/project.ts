/** Where the project's patches/ and full/ live: the package root, or DOCKERD_EXTRA_ROOT (tests, forks). */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.DOCKERD_EXTRA_ROOT) return resolve(cwd, env.DOCKERD_EXTRA_ROOT);
  return fileURLToPath(new URL('..', import.meta.url));
}
