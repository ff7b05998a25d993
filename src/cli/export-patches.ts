/**
 * export-patches: the commits of a moby branch on top of its base tag become patches/<base>/,
 * full/<base>/ and manifest.json (src/patchset/export.ts does the work and decides the layout).
 * This file only finds the tree and the base, runs it as one step and says what came out.
 */
import { relative, resolve } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import type { FlagValues } from './args.ts';
import { defineCommand, type CommandContext } from './command.ts';
import { runStepList } from './renderer.ts';
import { need, type Step, type StepState } from '../steps.ts';
import { openTree, resolveSource } from '../moby/checkout.ts';
import { branchBase } from '../moby/version.ts';
import { projectRoot } from '../project.ts';
import { exportPatchSet, type ExportResult } from '../patchset/export.ts';
import { supportedBases } from '../patchset/patch-set.ts';

const SPEC = {
  invocation: 'npm run export-patches --',
  name: 'export-patches',
  synopsis: '--moby PATH [--base TAG] [--release N] [--carry-from SET[,SET]]',
  summary: [
    'Turns the commits of a moby branch built on the base tag into patches/<base>/ (one patch per changed',
    'moby file), full/<base>/ (files the branch adds) and manifest.json. A second export of the same',
    'branch is byte-identical. With --carry-from (kept by later exports), a new file that is the other',
    "set's file carried to this line (moved packages, module path: src/patchset/lines.ts) is not copied.",
  ].join('\n'),
  options: {
    moby: { type: 'string', value: 'PATH', help: 'the moby checkout whose branch holds the feature commits' },
    base: { type: 'string', value: 'TAG', help: 'the base tag (default: the newest supported tag that HEAD contains, else its nearest tag)' },
    release: { type: 'string', value: 'N', help: 'the release number (default: the release of the previous export, else 1)' },
    'carry-from': { type: 'string', value: 'SET[,SET]', help: "other sets whose own new files this one carries, e.g. v28.5.2, or v28.5.2,docker-v29.7.2 for an older v29 release (default: as the previous export)" },
  },
  example: 'npm run export-patches -- --moby ~/src/moby-v29 --carry-from v28.5.2',
} as const;

interface Options {
  moby: string;
  base?: string;
  release?: number;
  carryFrom?: string[];
  root: string;
}

export function parseRelease(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--release must be a positive whole number (got "${value}")`);
  return Number(value);
}

function parseOptions(ctx: CommandContext, values: FlagValues<typeof SPEC.options>): Options {
  if (!values.moby) throw new UsageError('export-patches needs --moby PATH: the moby checkout whose branch holds the feature commits');
  const release = parseRelease(values.release);
  return {
    moby: values.moby,
    ...(values.base !== undefined ? { base: values.base } : {}),
    ...(release !== undefined ? { release } : {}),
    ...(values['carry-from'] !== undefined ? { carryFrom: values['carry-from'].split(',').map((set) => set.trim()).filter(Boolean) } : {}),
    root: projectRoot(ctx.env, ctx.cwd),
  };
}

interface State extends StepState {
  dir?: string;
  base?: string;
  result?: ExportResult;
}

function steps(options: Options, ctx: CommandContext): Step<State>[] {
  return [
    {
      title: `Open ${options.moby}`,
      async run(s) {
        const source = await resolveSource({ moby: options.moby, cwd: ctx.cwd, cacheRoot: '', defaultRef: async () => '' });
        if (source.kind !== 'tree') {
          throw new UsageError(`export-patches reads a branch from a work tree; ${options.moby} is not one: pass --moby the path of your moby checkout`);
        }
        const checkout = await openTree(source.dir, 'opened');
        s.dir = checkout.dir;
        s.base = options.base ?? (await branchBase(checkout.dir, await supportedBases(options.root)));
        return `${checkout.dir} at ${checkout.shortHead}, base ${s.base}`;
      },
    },
    {
      title: 'Export the branch',
      async run(s, io) {
        s.result = await exportPatchSet(need(s.dir, 'the tree'), need(s.base, 'the base'), options.root, {
          ...(options.release !== undefined ? { release: options.release } : {}),
          ...(options.carryFrom !== undefined ? { carryFrom: options.carryFrom } : {}),
          signal: io.signal,
        });
        const carried = s.result.carried.length ? `, ${s.result.carried.length} carried from ${options.carryFrom?.join(', ') ?? 'the sets the manifest names'}` : '';
        return `Exported ${s.result.patches.length} patch(es), ${s.result.full.length} new file(s)${carried}`;
      },
    },
  ];
}

export const command = defineCommand(SPEC, async (ctx, { values }): Promise<ExitCode> => {
  const options = parseOptions(ctx, values);
  const state = await runStepList<State>(steps(options, ctx), {}, ctx);
  const r = need(state.result, 'the export');
  for (const path of r.uncommitted) ctx.stdout.write(`warning: ${path} has uncommitted changes, not exported (commit them and export again)\n`);
  const where = (p: string) => relative(ctx.cwd, p) || '.';
  const removed = r.removed.length ? `, ${r.removed.length} stale file(s) removed` : '';
  const carried = r.carried.length ? ` (${r.carried.length} more carried, not copied)` : '';
  ctx.stdout.write(
    `exported ${r.patches.length} patch(es) and ${r.full.length} new file(s)${carried} from ${resolve(need(state.dir, 'the tree'))} (${r.base}..HEAD) ` +
      `to ${where(r.patchesDir)} and ${where(r.fullDir)}, release ${r.release}${removed}\n`,
  );
  return 0;
});
