/** Where the project lives: the one place that knows the package root. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: patches/, full/, rpm/, src/ and bench/ are under it. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where patches/ and full/ are read from: the package root, or DOCKERD_EXTRA_ROOT (tests, forks). */
export function projectRoot(env: NodeJS.ProcessEnv, cwd: string): string {
  return env.DOCKERD_EXTRA_ROOT ? resolve(cwd, env.DOCKERD_EXTRA_ROOT) : PACKAGE_ROOT;
}
