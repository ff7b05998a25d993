/**
 * The checks that make a benchmark run believable, as verdicts over what the runner observed: an
 * extra pull never touched the registry, every pull left its tags, the store is byte-identical at
 * the end. A failed check fails the run.
 */
import { UserError } from '../errors.ts';
import type { HonestyCheck } from './record.ts';
import { describeRequest, type RegistryRequest } from './registry-log.ts';

/** `what` names the pull, e.g. "extra pull of …:10x64M-extra, run 2". */
export function checkNoRegistryTraffic(what: string, requests: readonly RegistryRequest[]): HonestyCheck {
  const name = `${what} did not touch the registry`;
  if (requests.length === 0) return { name, ok: true };
  const shown = requests.slice(0, 3).map(describeRequest).join('; ');
  return { name, ok: false, detail: `the registry's access log has ${requests.length} request(s) in its window: ${shown}` };
}

/** `found` maps each ref to the image ID the daemon has for it (undefined: no such tag). */
export function checkTags(what: string, imageId: string, found: Readonly<Record<string, string | undefined>>): HonestyCheck {
  const name = `${what} left its tags (${Object.keys(found).join(', ')})`;
  const wrong = Object.entries(found).filter(([, id]) => id !== imageId);
  if (wrong.length === 0) return { name, ok: true };
  return { name, ok: false, detail: wrong.map(([ref, id]) => (id ? `${ref} is ${id}, not ${imageId}` : `${ref} is missing`)).join('; ') };
}

export function checkStoreUnchanged(before: string, after: string): HonestyCheck {
  const name = "the store's filesystem image is byte-identical after the run (sha256 while unmounted)";
  return before === after ? { name, ok: true, detail: `sha256 ${before}` } : { name, ok: false, detail: `sha256 was ${before}, is now ${after}` };
}

/**
 * The run's checks folded into the record: each distinct passing check once (with a count), every
 * failure kept, so a 5-run record stays short and a failure is never hidden.
 */
export function foldChecks(checks: readonly HonestyCheck[]): HonestyCheck[] {
  const out: HonestyCheck[] = [];
  const passed = new Map<string, number>();
  for (const c of checks) {
    if (!c.ok) out.push(c);
    else passed.set(c.name, (passed.get(c.name) ?? 0) + 1);
  }
  const byName = new Map(checks.filter((c) => c.ok).map((c) => [c.name, c]));
  for (const [name, count] of passed) out.push({ ...byName.get(name)!, ...(count > 1 ? { name: `${name} (×${count})` } : {}) });
  return out;
}

/** The run measured, but a check says its numbers cannot be trusted: exit 1 with the reason. */
export class BenchHonestyError extends UserError {
  constructor(readonly failed: readonly HonestyCheck[], readonly recordPath: string) {
    super(`the benchmark is not honest: ${failed[0]!.name}: ${failed[0]!.detail ?? 'failed'} (record kept in ${recordPath})`);
    this.name = 'BenchHonestyError';
  }
  override detailLines(): readonly string[] {
    return this.failed.slice(1).map((c) => `${c.name}: ${c.detail ?? 'failed'}`);
  }
}
