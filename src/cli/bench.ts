/**
 * bench: pull and first-output time of the test image from extra storage, from a loopback registry
 * and already local; medians of --runs runs as a table, and a JSON record under bench/results/.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { PACKAGE_ROOT } from '../project.ts';
import { formatTable, recordFileName, SCENARIOS, type ScenarioName } from '../bench/stats.ts';
import { runBench } from '../bench/run-bench.ts';
import { defineCommand } from './command.ts';

/** "64M", "1G", "512K" or plain bytes → bytes. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

function parseScenarios(text: string | undefined): ScenarioName[] {
  if (text === undefined) return [...SCENARIOS];
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !SCENARIOS.includes(n as ScenarioName));
  if (unknown.length || names.length === 0) throw new UsageError(`--scenarios takes a comma-separated list of ${SCENARIOS.join(', ')} (got "${text}")`);
  return names as ScenarioName[];
}

function parseScaled(size: string | undefined, layers: string | undefined): { layers: number; totalBytes: number } | undefined {
  if (size === undefined && layers === undefined) return undefined;
  const totalBytes = parseSize(size ?? '1G');
  if (totalBytes === undefined || totalBytes < 1024 * 1024 || totalBytes > 16 * 1024 ** 3) throw new UsageError(`--size takes a size from 1M to 16G such as 64M or 1G (got "${size}")`);
  const count = Number(layers ?? '10');
  if (!Number.isInteger(count) || count < 2 || count > 100) throw new UsageError(`--layers must be a whole number from 2 to 100 (got "${layers}")`);
  return { layers: count, totalBytes };
}

const SPEC = {
  invocation: 'npm run bench --',
  name: 'bench',
  synopsis: '--dockerd PATH [--runs 5] [--big-mib 64 | --size 1G --layers 10] [--scenarios LIST] [--busybox PATH] [--out DIR]',
  summary: [
    'Compares pull + first output from the store (verify trusted, and verify content with its first',
    'pull apart), from a loopback docker-registry and of an image already local (medians, bytes read',
    "from the store's device); a table, and a JSON record in --out.",
  ].join('\n'),
  options: {
    dockerd: { type: 'string', value: 'PATH', help: 'the patched dockerd (build-dockerd writes it to dist/)' },
    runs: { type: 'string', value: 'N', help: 'runs per scenario, 1 to 100 (default: 5)' },
    'big-mib': { type: 'string', value: 'N', help: "size of the test image's big file in MiB, 1 to 200 (default: 64)" },
    busybox: { type: 'string', value: 'PATH', help: 'a static busybox for the test image (default: /bin/busybox)' },
    out: { type: 'string', value: 'DIR', help: 'where the JSON record goes (default: bench/results)' },
    size: { type: 'string', value: 'SIZE', help: 'a generated image of this size instead of the test image, e.g. 64M or 1G' },
    layers: { type: 'string', value: 'N', help: 'layers of the generated image, 2 to 100 (default: 10)' },
    scenarios: { type: 'string', value: 'LIST', help: `which to run, comma-separated: ${SCENARIOS.join(', ')} (default: all)` },
  },
  example: 'npm run bench -- --dockerd dist/dockerd --size 1G --layers 10 --scenarios store,store-content',
} as const;

export const command = defineCommand(SPEC, async (ctx, { values }): Promise<ExitCode> => {
  if (!values.dockerd) throw new UsageError('bench needs --dockerd PATH (a patched dockerd, e.g. the one build-dockerd wrote to dist/)');
  const dockerd = resolve(ctx.cwd, values.dockerd);
  if (!(await access(dockerd).then(() => true, () => false))) throw new UsageError(`--dockerd ${dockerd} does not exist`);
  const runs = Number(values.runs ?? '5');
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new UsageError(`--runs must be a whole number from 1 to 100 (got "${values.runs}")`);
  const bigMiB = Number(values['big-mib'] ?? '64');
  if (!Number.isInteger(bigMiB) || bigMiB < 1 || bigMiB > 200) throw new UsageError(`--big-mib must be a whole number from 1 to 200 (got "${values['big-mib']}")`);
  const record = await runBench({
    dockerd,
    runs,
    busybox: resolve(ctx.cwd, values.busybox ?? '/bin/busybox'),
    bigFileSize: bigMiB * 1024 * 1024,
    scaled: parseScaled(values.size, values.layers),
    scenarios: parseScenarios(values.scenarios),
    signal: ctx.signal,
    onEvent: (event) => (event.type === 'note' ? ctx.stdout.write(`  ${event.text}\n`) : undefined),
  });
  for (const line of formatTable(record.results)) ctx.stdout.write(`${line}\n`);
  const outDir = resolve(ctx.cwd, values.out ?? join(PACKAGE_ROOT, 'bench/results'));
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, recordFileName(new Date(record.date), record.host));
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  ctx.stdout.write(`bench: ${runs} runs per scenario; record written to ${file}\n`);
  return record.results.some((r) => r.error) ? 1 : 0;
});
