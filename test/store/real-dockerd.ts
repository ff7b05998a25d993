/** What the store suites that run a real dockerd need, and the reason they print when it is missing. */
import { access } from 'node:fs/promises';
import { findDockerCli } from '../../src/e2e/docker.ts';

export const BUSYBOX = '/bin/busybox';
const exists = (p: string) => access(p).then(() => true, () => false);

export async function whyNoRealDockerd(dockerd: string): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root (dockerd needs it)';
  if (!(await exists(dockerd))) return `no patched dockerd at ${dockerd} (set STORE_TEST_DOCKERD)`;
  if (!(await exists(await findDockerCli()))) return 'no docker CLI';
  if (!(await exists(BUSYBOX))) return `no ${BUSYBOX} (apt-get install busybox-static)`;
  return undefined;
}
