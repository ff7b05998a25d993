/**
 * store add --store DIR [--dockerd PATH] [--from-daemon SOCK] IMAGE...: images into a store through
 * a private dockerd of the store's engine line (src/store/add.ts), on a staging copy switched in only
 * when `store check` passes. listr2 steps, one per image with its layers' progress; one closing line
 * with what changed. Exit 0 added, 1 the engine refused an image or the result failed the check
 * (the store as it was), 2 usage or a DIR left alone (in use, read-only, no store, no dockerd).
 */
import { join, resolve } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { PACKAGE_ROOT } from '../project.ts';
import { addState, addSteps, summarizeEdit, type EditSummary } from '../store/add.ts';
import { resolveSources } from '../store/sources.ts';
import { need } from '../steps.ts';
import { defineCommand } from './command.ts';
import { runStepList } from './renderer.ts';
import { formatBytes } from './store-dir.ts';

const SPEC = {
  invocation: 'npm run store -- add',
  name: 'store add',
  synopsis: '--store DIR [--dockerd PATH] [--from-daemon SOCK] IMAGE...',
  summary: [
    'Puts images into the store at DIR (created when absent or empty). Each IMAGE is a `docker save`',
    'archive, an OCI layout (a directory or its tar), or with --from-daemon a NAME:TAG that the dockerd at',
    'SOCK holds. A private dockerd of the store\'s engine line loads them with a copy of the store as its',
    'data-root (own socket and exec-root, no bridge, no iptables, overlay2), so the engine writes the',
    'layout and a layer shared between images is stored once. The copy sits beside DIR (reflink, else',
    'hardlinks for layer files), passes `store check` and is renamed in; interrupted or refused, DIR is',
    'as it was. Refuses a DIR a running dockerd uses, or a read-only one. Exit 0 added, 1 an image or the',
    'check failed, 2 usage or DIR left alone.',
  ].join('\n'),
  options: {
    store: { type: 'string', value: 'DIR', help: 'the store (a dockerd data-root, overlay2); created when absent or empty' },
    dockerd: { type: 'string', value: 'PATH', help: "the dockerd that writes the store, of the store's engine line (default: dist/dockerd, where build-dockerd writes it)" },
    'from-daemon': { type: 'string', value: 'SOCK', help: 'IMAGE operands are NAME:TAGs of the dockerd at this unix socket (streamed with docker save)' },
  },
  operands: true,
  example: 'npm run store -- add --store /srv/extra app.tar  # docker save -o app.tar registry.example/app:1.4',
} as const;

export const command = defineCommand(SPEC, async (ctx, { values, positionals }): Promise<ExitCode> => {
  const store = storeOption('add', values.store, ctx.cwd);
  const sources = await resolveSources(positionals, ctx.cwd, values['from-daemon']);
  const state = addState(store, dockerdOption(values.dockerd, ctx.cwd), sources);
  await runStepList(addSteps(state), state, ctx);
  ctx.stdout.write(`${closingLine('add', store, summarizeEdit(need(state.before, 'the store before'), need(state.after, 'the store after')))}\n`);
  return 0;
});

export function storeOption(verb: string, value: string | undefined, cwd: string): string {
  if (value === undefined || value === '') throw new UsageError(`store ${verb}: --store DIR is required (the store to change); see npm run store -- ${verb} --help`);
  return resolve(cwd, value);
}

export function dockerdOption(value: string | undefined, cwd: string): string {
  return resolve(cwd, value ?? join(PACKAGE_ROOT, 'dist/dockerd'));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function closingLine(verb: 'add' | 'rm', store: string, s: EditSummary): string {
  const change =
    verb === 'add'
      ? `added ${plural(s.images.added.length, 'image')}, ${plural(s.layers.added, 'new layer')} (${formatBytes(s.bytes.added)}; layers it already had are stored once)`
      : `removed ${plural(s.images.removed.length, 'image')}, ${plural(s.layers.removed, 'layer')} no other image uses (${formatBytes(s.bytes.removed)})`;
  return `store ${store}: ${change}; it now holds ${plural(s.images.after, 'image')}, ${plural(s.layers.after, 'layer')}, ${formatBytes(s.bytes.store)}`;
}
