/**
 * store publish --store DIR --to EXPORT [--keep N]: a new read-only generation of the store under
 * EXPORT/generations, EXPORT/current switched to it atomically, older generations pruned beyond the
 * newest N (never current). src/store/publish.ts does the work; this file parses, reports progress
 * on stderr and prints the closing line.
 */
import { join, resolve } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { CURRENT_LINK } from '../store/generations.ts';
import { publishStore, type PublishResult } from '../store/publish.ts';
import { defineCommand } from './command.ts';
import { storeDirOperand } from './store-dir.ts';

const DEFAULT_KEEP = 2;

const SPEC = {
  invocation: 'npm run store -- publish',
  name: 'store publish',
  synopsis: '--store DIR --to EXPORT [--keep N]',
  summary: [
    'Publishes the store at DIR (a dockerd data-root, not one a running dockerd uses) as a new read-only',
    'generation EXPORT/generations/<N>-<UTC time>, then switches the symlink EXPORT/current to it in one',
    'rename, as CVMFS publishes. DIR must pass `store check` first; the copy is reflinked where the',
    'filesystem can, hardlinked on the same filesystem, copied otherwise, and checked again. Hosts set',
    '"extra-storage": {"path": EXPORT}: each pull links the generation current names at that moment, so',
    'containers of images pulled earlier keep their generation. Generations older than the newest N are',
    'removed (never the current one): keep as many as hosts may still run from. Exit 0 published, 1 a',
    'failing store or a failed copy (EXPORT left as it was), 2 usage, a live DIR or a read-only EXPORT.',
  ].join('\n'),
  options: {
    store: { type: 'string', value: 'DIR', help: 'the store to publish (a dockerd data-root, overlay2)' },
    to: { type: 'string', value: 'EXPORT', help: 'the export directory: generations/ and current go here (created if missing)' },
    keep: { type: 'string', value: 'N', help: `generations to keep, the new one included (default ${DEFAULT_KEEP}; at least 1)` },
  },
  operands: false,
  example: 'npm run store -- publish --store /srv/extra/work --to /srv/extra/export --keep 3',
} as const;

export const command = defineCommand(SPEC, async (ctx, { values }): Promise<ExitCode> => {
  if (values.store === undefined || values.to === undefined) {
    throw new UsageError(`store publish: give ${values.store === undefined ? '--store DIR' : '--to EXPORT'}; see npm run store -- publish --help`);
  }
  const keep = parseKeep(values.keep);
  const store = await storeDirOperand('publish', [values.store], ctx.cwd);
  const result = await publishStore({
    store,
    exportDir: resolve(ctx.cwd, values.to),
    keep,
    signal: ctx.signal,
    onStep: (m) => ctx.stderr.write(`publish: ${m}\n`),
  });
  ctx.stdout.write(closingLine(result) + '\n');
  return 0;
});

function parseKeep(text: string | undefined): number {
  if (text === undefined) return DEFAULT_KEEP;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`store publish: --keep ${text} is not a whole number of at least 1; the new generation is always kept`);
  return Number(text);
}

export function closingLine(r: PublishResult): string {
  const pruned = r.pruned.length ? `; removed ${r.pruned.join(', ')}` : '';
  const from = r.previous ? ` (was ${r.previous})` : '';
  return `published ${r.check.images} image(s), ${r.check.layers} layer(s) as generation ${r.generation} (${r.method}) at ${r.path}; ${join(r.exportDir, CURRENT_LINK)} now points to it${from}; kept ${r.kept.join(', ')}${pruned}`;
}
