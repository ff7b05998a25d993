/**
 * What `store add` and `store rm` refuse (and `store publish`, the in-use part) before touching anything: a DIR that a running dockerd uses
 * as its data-root, a DIR they could not replace (read-only, or a mount point, which no rename can
 * move), and a non-empty DIR that is no store. A running dockerd is known by its lock: every dockerd
 * opens `network/files/local-kv.db` (a bolt database) at start and holds an exclusive flock on it
 * until it exits, whatever flags or config file named its data-root; the lock is asked for shared
 * and without waiting, through a descriptor opened read-only (so nothing is created).
 */
import { access, constants, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from '../exec/run.ts';
import { StoreRefusedError } from './errors.ts';
import { dockerdUsing } from './in-use.ts';

export type StoreState = 'absent' | 'empty' | 'store';

export const DAEMON_LOCK = 'network/files/local-kv.db';

/** Whether a process holds the lock a running dockerd holds on its data-root. */
export async function dockerdHolds(dataRoot: string): Promise<boolean> {
  const lock = join(dataRoot, DAEMON_LOCK);
  if (!(await stat(lock).then((s) => s.isFile(), () => false))) return false;
  const r = await run('sh', ['-c', 'exec 9<"$1" && exec flock --nonblock --shared 9', 'lock-probe', lock], { cwd: '/', reject: false, timeoutMs: 10_000 });
  return r.exitCode !== 0;
}

/** The store's state, or a StoreRefusedError naming why `verb` leaves it alone. */
export async function guardStore(verb: string, dir: string): Promise<StoreState> {
  const st = await stat(dir).catch(() => undefined);
  const parent = dirname(dir);
  if (!st) {
    if (!(await stat(parent).then((s) => s.isDirectory(), () => false))) throw new StoreRefusedError(verb, dir, 'missing-parent', `its parent ${parent} does not exist; create it first`);
    if (!(await writable(parent))) throw new StoreRefusedError(verb, dir, 'read-only', `${parent} is read-only here, so no store can be made in it`);
    return 'absent';
  }
  if (!st.isDirectory()) throw new StoreRefusedError(verb, dir, 'not-a-directory', 'it is not a directory; give the path of a store (a dockerd data-root)');
  if (!(await writable(dir)) || !(await writable(parent))) {
    throw new StoreRefusedError(verb, dir, 'read-only', `it (or its parent ${parent}) is read-only here; ${verb} works on a copy beside it and renames it in, so both must be writable (publish a read-only store instead)`);
  }
  const parentSt = await stat(parent);
  if (parentSt.dev !== st.dev) throw new StoreRefusedError(verb, dir, 'mount-point', 'it is a mount point, which cannot be renamed; keep the store in a directory inside that filesystem');
  await refuseInUse(verb, dir);
  const names = await readdir(dir);
  if (names.length === 0) return 'empty';
  if (!names.includes('image') && !names.includes('overlay2')) throw new StoreRefusedError(verb, dir, 'not-a-store', 'it is not empty and holds no image/ or overlay2/, so it is no store; give an empty or absent directory for a new store');
  return 'store';
}

/**
 * Refuses a DIR a running dockerd uses as its data-root. Two signs, either enough: a dockerd whose
 * command line or config names DIR (in-use.ts), and the lock every dockerd holds on its data-root,
 * which also catches one this /proc cannot see (another PID namespace) or that reached DIR through
 * another path.
 */
export async function refuseInUse(verb: string, dir: string): Promise<void> {
  const running = await dockerdUsing(dir);
  if (running) throw new StoreRefusedError(verb, dir, 'in-use', `a running dockerd (process ${running.pid}) uses it as its data-root; stop that dockerd first`);
  if (await dockerdHolds(dir)) throw new StoreRefusedError(verb, dir, 'in-use', `a running dockerd uses it as its data-root (it holds ${DAEMON_LOCK}); stop that dockerd first`);
}

async function writable(path: string): Promise<boolean> {
  return access(path, constants.W_OK).then(() => true, () => false);
}
