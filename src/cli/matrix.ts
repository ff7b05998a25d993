/**
 * matrix: every final engine tag of the supported lines (or --tags), one at a time in ONE shared work
 * tree: dry-run plan, apply, build, `dockerd --version`, `dockerd --validate` with extra-storage, and
 * with --e2e the whole e2e. A failing tag never stops the others; the run ends with an aligned table
 * (and --json). Exit 0 when every tag passed, 1 when any failed, 2 for bad input.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { formatFigure, formatOutcome, type E2eEvent } from '../e2e/results.ts';
import { NotRootError } from '../e2e/errors.ts';
import { cacheDirFor, defaultCacheRoot, UPSTREAM_URL } from '../moby/checkout.ts';
import { defaultBase, supportedBases } from '../patchset/patch-set.ts';
import { projectRoot } from '../project.ts';
import { JsonTargetError, WorkTreeError, WorkTreeExistsError } from '../matrix/errors.ts';
import { hostFacts } from '../matrix/host.ts';
import { closingLine, introLines, tagHeader, tagVerdict } from '../matrix/messages.ts';
import { buildReport, commandLine, type RunFacts } from '../matrix/report.ts';
import { notRunRow, rowPassed, type MatrixRow } from '../matrix/row.ts';
import { runTag, type ShowSteps } from '../matrix/run-tag.ts';
import { renderTable } from '../matrix/table.ts';
import { linesOf, parseTagSpec, selectTags } from '../matrix/tags.ts';
import { assertRepo, createWorkTree, listTags, removeWorkTree } from '../matrix/work-tree.ts';
import type { FlagValues } from './args.ts';
import { defineCommand, type CommandContext } from './command.ts';
import { unwrapTaskError } from './render.ts';
import { runStepList } from './renderer.ts';

const SPEC = {
  invocation: 'npm run matrix --',
  name: 'matrix',
  synopsis: '[--tags LIST|RANGE] [--repo PATH] [--plan-only] [--e2e] [--keep-going] [--json FILE] [--work-dir DIR]',
  summary: [
    'For each final engine tag, one at a time in one shared work tree: plan (dry run), apply the patch set,',
    'build dockerd, dockerd --version, dockerd --validate of a config with extra-storage, and with --e2e the',
    'whole e2e. A failing tag does not stop the others; the run ends with a table (tag, patch set, offsets,',
    'apply, build, validate, e2e, seconds, why). Exit 0 when every tag passed, 1 when any failed, 2 for bad input.',
  ].join('\n'),
  options: {
    tags: { type: 'string', value: 'LIST|RANGE', help: 'v28.5.2,docker-v29.7.2 or v28.0.0..v28.5.2 (inclusive, final tags only); default: every final tag of the lines with a patch set (v28.*, docker-v29.*)' },
    repo: { type: 'string', value: 'PATH', help: "a moby mirror or clone with the tags, only read (default: build-dockerd's cache clone, which holds its own tag only)" },
    'plan-only': { type: 'boolean', help: 'only plan each tag (check every hunk), build nothing: fast' },
    e2e: { type: 'boolean', help: 'also run the whole e2e on each built dockerd (root; long)' },
    'keep-going': { type: 'boolean', help: "after a failed check of a built dockerd, still run the tag's later checks" },
    json: { type: 'string', value: 'FILE', help: 'also write the table as JSON, with the start time, kernel, Go, Node and the command line' },
    'work-dir': { type: 'string', value: 'DIR', help: "where the work tree and each tag's binaries and build log go (default: a new folder under the system temp dir)" },
  },
  example: 'npm run matrix -- --repo ~/mirrors/moby.git --tags v28.0.0..v28.5.2 --json matrix.json',
} as const;

type Values = FlagValues<typeof SPEC.options>;

export const command = defineCommand(SPEC, async (ctx, { values }): Promise<ExitCode> => {
  const spec = parseTagSpec(values.tags);
  const root = projectRoot(ctx.env, ctx.cwd);
  const repo = values.repo !== undefined ? resolve(ctx.cwd, values.repo) : cacheDirFor(defaultCacheRoot(ctx.env), UPSTREAM_URL, await defaultBase(root));
  await assertRepo(repo, values.repo !== undefined);
  const tags = selectTags(spec, { repo, tags: await listTags(repo) }, linesOf(await supportedBases(root)));
  const json = values.json === undefined ? undefined : resolve(ctx.cwd, values.json);
  if (json && !existsSync(dirname(json))) throw new JsonTargetError(json, `the folder ${dirname(json)} does not exist`);
  if (values.e2e) await checkE2e();

  const { workDir, created } = await openWorkDir(ctx, values);
  const tree = join(workDir, 'moby');
  const facts: RunFacts = {
    started: new Date().toISOString(),
    command: commandLine(SPEC.invocation, ctx.argv),
    host: await hostFacts(ctx.env, ctx.signal),
    repo,
    workDir,
    planOnly: values['plan-only'] === true,
    e2e: values.e2e === true,
    keepGoing: values['keep-going'] === true,
  };
  ctx.stdout.write(introLines({ tags, repo, workDir, tree, planOnly: facts.planOnly }).join('\n') + '\n');

  const started = performance.now();
  const rows = await runAll(ctx, facts, tags, { root, tree }).finally(() => cleanUp(workDir, tree, created));
  ctx.stdout.write(`\n${renderTable(rows).join('\n')}\n`);
  if (json) await writeReport(json, JSON.stringify(buildReport(facts, rows, (performance.now() - started) / 1000), null, 2) + '\n');
  const kept = created && !existsSync(workDir) ? {} : { workDir };
  ctx.stdout.write(closingLine(rows, { ...(json ? { json } : {}), ...(facts.planOnly ? {} : kept) }) + '\n');
  return rows.every(rowPassed) ? 0 : 1;
});

async function runAll(ctx: CommandContext, facts: RunFacts, tags: readonly string[], where: { root: string; tree: string }): Promise<MatrixRow[]> {
  await createWorkTree(facts.repo, where.tree, ctx.signal).catch((error: unknown) => {
    throw new WorkTreeError(facts.repo, where.tree, (error instanceof Error ? error.message : String(error)).trim().split('\n').at(-1) ?? 'git clone failed');
  });
  const show: ShowSteps = (steps, state) => runStepList(steps, state, ctx).catch((error: unknown) => Promise.reject(unwrapTaskError(error)));
  const rows: MatrixRow[] = [];
  for (const [index, tag] of tags.entries()) {
    if (ctx.signal.aborted) {
      rows.push(notRunRow(tag, facts, 'not run: the matrix was cancelled (Ctrl-C)'));
      continue;
    }
    ctx.stdout.write(`\n${tagHeader(tag, index, tags.length)}\n`);
    const row = await runTag({
      tag, tree: where.tree, outDir: join(facts.workDir, tag), projectRoot: where.root, cwd: ctx.cwd, env: ctx.env,
      planOnly: facts.planOnly, e2e: facts.e2e, keepGoing: facts.keepGoing, busybox: BUSYBOX, signal: ctx.signal, show,
      onE2eEvent: (event) => ctx.stdout.write(`    ${e2eLine(event)}\n`),
    });
    ctx.stdout.write(`${tagVerdict(row)}\n`);
    rows.push(row);
  }
  return rows;
}

/** The e2e's own default image binary. */
const BUSYBOX = '/bin/busybox';

async function checkE2e(): Promise<void> {
  if (process.getuid?.() !== 0) throw new NotRootError('matrix --e2e');
  if (!existsSync(BUSYBOX)) throw new UsageError(`--e2e needs ${BUSYBOX} for the test image (apt-get install busybox-static)`);
}

function e2eLine(event: E2eEvent): string {
  if (event.type === 'outcome') return formatOutcome(event.outcome);
  return event.type === 'figure' ? formatFigure(event.figure) : event.text;
}

async function openWorkDir(ctx: CommandContext, values: Values): Promise<{ workDir: string; created: boolean }> {
  if (values['work-dir'] === undefined) return { workDir: await mkdtemp(join(tmpdir(), 'dockerd-extra-matrix-')), created: true };
  const workDir = resolve(ctx.cwd, values['work-dir']);
  if (existsSync(join(workDir, 'moby'))) throw new WorkTreeExistsError(join(workDir, 'moby'));
  await mkdir(workDir, { recursive: true });
  return { workDir, created: false };
}

/** The work tree always goes; a temp work dir left empty (--plan-only) goes too. */
async function cleanUp(workDir: string, tree: string, created: boolean): Promise<void> {
  await removeWorkTree(tree);
  if (created && (await readdir(workDir)).length === 0) await rmdir(workDir);
}

async function writeReport(file: string, text: string): Promise<void> {
  await writeFile(file, text).catch((error: NodeJS.ErrnoException) => {
    throw new JsonTargetError(file, `cannot be written (${error.code ?? error.message})`);
  });
}
