/**
 * bench: pull and first-output time of the test image from extra storage, from a loopback registry
 * and already local; medians of --runs runs as a table, and a JSON record under bench/results/.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { PACKAGE_ROOT } from '../project.ts';
import { formatTable, recordFileName } from '../bench/stats.ts';
import { runBench } from '../bench/run-bench.ts';
import { defineCommand } from './command.ts';

const SPEC = {
  invocation: 'npm run bench --',
  name: 'bench',
  synopsis: '--dockerd PATH [--runs 5] [--big-mib 64] [--busybox PATH] [--out DIR]',
  summary: [
    'Compares pull + first output from the store, from a loopback docker-registry and of an image',
    "already local (medians, bytes read from the store's device); a table, and a JSON record in --out.",
  ].join('\n'),
  options: {
    dockerd: { type: 'string', value: 'PATH', help: 'the patched dockerd (build-dockerd writes it to dist/)' },
    runs: { type: 'string', value: 'N', help: 'runs per scenario, 1 to 100 (default: 5)' },
    'big-mib': { type: 'string', value: 'N', help: "size of the test image's big file in MiB, 1 to 200 (default: 64)" },
    busybox: { type: 'string', value: 'PATH', help: 'a static busybox for the test image (default: /bin/busybox)' },
    out: { type: 'string', value: 'DIR', help: 'where the JSON record goes (default: bench/results)' },
  },
  example: 'npm run bench -- --dockerd dist/dockerd --runs 5',
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
