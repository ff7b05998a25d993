/**
 * bench: the extra pull against a loopback registry, the `docker tag` floor and the peers, for
 * generated images of each size, interleaved on one daemon; a table with the ratios, a JSON
 * record, and `--readme` to write the README's performance section from the latest record.
 */
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { orIfMissing, UsageError, UserError, type ExitCode } from '../errors.ts';
import { PACKAGE_ROOT } from '../project.ts';
import { BenchHonestyError } from '../bench/honesty.ts';
import { planBench, QUICK } from '../bench/options.ts';
import { formatReadmeSection, README_END, README_START, recordNamesNewestFirst, replaceBetweenMarkers, ReadmeMarkersError } from '../bench/readme.ts';
import { isBenchRecord, type BenchRecord } from '../bench/record.ts';
import { PEERS } from '../bench/peers/index.ts';
import { runBench } from '../bench/run-bench.ts';
import { recordFileName } from '../bench/stats.ts';
import { formatBenchTable } from '../bench/table.ts';
import { defineCommand, type CommandContext } from './command.ts';

const RESULTS = join(PACKAGE_ROOT, 'bench/results');

const SPEC = {
  invocation: 'npm run bench --',
  name: 'bench',
  synopsis: '--dockerd PATH [--sizes 64M,1G] [--layers 10] [--runs 5] [--quick] [--fleet N] [--peers LIST] [--json FILE] | --readme',
  summary: [
    'Times, for a generated image of each size, interleaved on one patched dockerd: a pull from a loopback',
    'docker-registry, NAME:TAG-extra pulled from a read-only store (verify trusted and verify content), the',
    '`docker tag` floor, and the cold and warm first output of each; bytes read from the store and written',
    'locally. Fails (exit 1) if an extra pull touched the registry, a tag is missing or the store changed.',
  ].join('\n'),
  options: {
    dockerd: { type: 'string', value: 'PATH', help: 'the patched dockerd (build-dockerd writes it to dist/)' },
    sizes: { type: 'string', value: 'LIST', help: 'image sizes, comma-separated, 1M to 16G (default: 64M,1G)' },
    layers: { type: 'string', value: 'N', help: 'layers per image, 2 to 100 (default: 10)' },
    runs: { type: 'string', value: 'N', help: 'interleaved runs, 1 to 100 (default: 5)' },
    quick: { type: 'boolean', help: `one size (64M), ${QUICK.runs} runs: a few minutes` },
    fleet: { type: 'string', value: 'N', help: 'then N more daemons on the same store pull each image at once (default: none)' },
    peers: { type: 'string', value: 'LIST', help: `peer columns: all, none or ${PEERS.map((p) => p.name).join(',')} (default: all; none with --quick)` },
    json: { type: 'string', value: 'FILE', help: 'write the record here (default: bench/results/DATE-HOST.json)' },
    busybox: { type: 'string', value: 'PATH', help: 'a static busybox for the images (default: /bin/busybox)' },
    readme: { type: 'boolean', help: "write README.md's performance section from the newest record in bench/results, measure nothing" },
  },
  example: 'npm run bench -- --dockerd dist/dockerd --sizes 64M,1G --fleet 3',
} as const;

export const command = defineCommand(SPEC, async (ctx, { values }): Promise<ExitCode> => {
  const plan = planBench(values, PEERS.map((p) => p.name));
  if (plan.kind === 'readme') return writeReadme(ctx);
  const dockerd = resolve(ctx.cwd, values.dockerd!);
  const busybox = resolve(ctx.cwd, values.busybox ?? '/bin/busybox');
  for (const [flag, path] of [['--dockerd', dockerd], ['--busybox', busybox]] as const) {
    if (!(await access(path).then(() => true, () => false))) throw new UsageError(`${flag} ${path} does not exist`);
  }
  const started = Date.now();
  const peers = PEERS.filter((p) => plan.peers.includes(p.name));
  const record = await runBench({ ...plan, dockerd, busybox, peers, signal: ctx.signal, note: (text) => ctx.stdout.write(`  ${text}\n`) });
  const file = values.json ? resolve(ctx.cwd, values.json) : join(RESULTS, recordFileName(new Date(record.date), record.host));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  ctx.stdout.write('\n');
  for (const line of formatBenchTable(record)) ctx.stdout.write(`${line}\n`);
  const failed = record.honesty.filter((c) => !c.ok);
  if (failed.length) throw new BenchHonestyError(failed, file);
  ctx.stdout.write(`bench: ${plan.runs} interleaved runs of ${plan.sizes.length} size(s) in ${Math.round((Date.now() - started) / 1000)} s; record written to ${file}\n`);
  return 0;
});

class NoRecordError extends UserError {
  constructor(readonly dir: string) {
    super(`no benchmark record in ${dir}: run npm run bench -- --dockerd PATH first`);
  }
}

async function writeReadme(ctx: CommandContext): Promise<ExitCode> {
  const { record, name } = await newestRecord(RESULTS);
  const readmePath = join(PACKAGE_ROOT, 'README.md');
  const section = formatReadmeSection(record, relative(PACKAGE_ROOT, join(RESULTS, name)));
  let text: string;
  try {
    text = replaceBetweenMarkers(await readFile(readmePath, 'utf8'), section);
  } catch (error) {
    if (error instanceof ReadmeMarkersError) throw new UsageError(`${readmePath} has no ${error.missing} line: put ${README_START} and ${README_END} where the performance section goes`);
    throw error;
  }
  await writeFile(readmePath, text);
  ctx.stdout.write(`bench: README.md's performance section written from bench/results/${name}\n`);
  return 0;
}

async function newestRecord(dir: string): Promise<{ record: BenchRecord; name: string }> {
  const names = recordNamesNewestFirst(await readdir(dir).catch(orIfMissing([] as string[])));
  for (const name of names) {
    const value: unknown = JSON.parse(await readFile(join(dir, name), 'utf8'));
    if (isBenchRecord(value)) return { record: value, name };
  }
  throw new NoRecordError(dir);
}
