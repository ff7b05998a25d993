/**
 * Benchmark of validate-config (not a timed test): CLI cold start against `dockerd --validate
 * --config-file` on the same file, runs interleaved, medians and their ratio; and in-process
 * validation of 1,000 corpus files. Writes bench/results/validate-config.json.
 * Usage: npx tsx bench/validate-config.ts [--runs 41] [--file PATH]   (DOCKERD_BIN or dist/dockerd for the engine side)
 *
 * Both programs run in the environment of a host: this one's, less NODE_EXTRA_CA_CERTS. Node 20 reads
 * and parses that whole CA bundle at start-up (80 ms here, where the sandbox sets it for its TLS proxy;
 * a Docker host does not). When it is set, a third series measures it, so the record shows its cost.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { validateDaemonConfig } from '../src/config/validate.ts';
import { NEWEST_LINE } from '../src/config/engine-line.ts';
import { loadDaemonSchema } from '../src/config/schema.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string' }, file: { type: 'string' } } });
const runs = Number(values.runs ?? 41);
const corpus = join(root, 'test/config/corpus');
const sample = resolve(values.file ?? join(corpus, 'production-overlay2.json'));
const dockerd = process.env.DOCKERD_BIN || (existsSync(join(root, 'dist/dockerd')) ? join(root, 'dist/dockerd') : undefined);
// Run as an admin runs it: the bin itself, through its #! line and the node on PATH.
const bin = join(root, 'bin/validate-config.cjs');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (x: number, places = 1) => Math.round(x * 10 ** places) / 10 ** places;

/** CPU time (user+system) of waited-for children so far, in ms: /proc/self/stat cutime+cstime (100 Hz ticks). */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

interface Series { wall: number[]; cpu: number }
function series(): Series {
  return { wall: [], cpu: 0 };
}
function time(into: Series, cmd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
  if (r.status === null) throw new Error(`${cmd} did not finish`);
  into.wall.push(Number(process.hrtime.bigint() - start) / 1e6);
  into.cpu += childrenCpuMs() - cpuBefore;
}
const summary = (s: Series) => ({ medianMs: round(median(s.wall)), fastestMs: round(Math.min(...s.wall)), cpuMsPerRun: round(s.cpu / s.wall.length) });

// A fresh bundle, then one untimed run that writes its code cache: the timed runs are every run
// after the first one after an install.
spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-validate-config.ts')], { stdio: 'inherit' });
const stub = mkdtempSync(join(tmpdir(), 'bench-vc-'));
writeFileSync(join(stub, 'docker-proxy'), '#!/bin/sh\nexit 0\n'); // --validate looks the userland proxy up on PATH
chmodSync(join(stub, 'docker-proxy'), 0o755);
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...hostEnv } = process.env;
const env: NodeJS.ProcessEnv = { ...hostEnv, PATH: `${stub}:${process.env.PATH ?? ''}` };
spawnSync(bin, [sample], { env, stdio: 'ignore' });
if (!existsSync(join(root, 'dist/validate-config.v8cache'))) throw new Error('the bin wrote no code cache: is dist/ writable?');

const ours = series();
const engine = series();
const oursWithCerts = series();
// Interleaved, and which one goes first alternates: neither always runs right after the other.
for (let i = 0; i < runs; i++) {
  const pair = [() => time(ours, bin, [sample], env), () => dockerd && time(engine, dockerd, ['--validate', '--config-file', sample], env)];
  for (const run of i % 2 === 0 ? pair : pair.reverse()) run();
}
// Its own loop: three times slower, it would disturb the runs next to it.
if (extraCaCerts) for (let i = 0; i < runs; i++) time(oursWithCerts, bin, [sample], { ...env, NODE_EXTRA_CA_CERTS: extraCaCerts });
rmSync(stub, { recursive: true, force: true });

const files = readdirSync(corpus).filter((n) => n !== 'expected.json').map((n) => readFileSync(join(corpus, n)));
const thousand = Array.from({ length: 1000 }, (_, i) => files[i % files.length] as Buffer);
const schema = await loadDaemonSchema(NEWEST_LINE); // what the bin checks against by default
for (const f of thousand.slice(0, 100)) validateDaemonConfig(f, { schema }); // warm-up: JIT, not cold start
const batches: number[] = [];
for (let b = 0; b < 5; b++) {
  const start = process.hrtime.bigint();
  for (const f of thousand) validateDaemonConfig(f, { schema });
  batches.push(Number(process.hrtime.bigint() - start) / 1e6);
}

const o = summary(ours);
const e = dockerd ? summary(engine) : undefined;
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg().map((l) => round(l, 2)),
  file: relative(root, sample),
  runs,
  validateConfig: o,
  dockerdValidate: e ?? null,
  dockerd: dockerd ?? null,
  /** ours / dockerd's: on medians (the headline), on the fastest runs (least disturbed by other load), on CPU time. */
  ratio: e ? round(o.medianMs / e.medianMs, 2) : null,
  ratioFastest: e ? round(o.fastestMs / e.fastestMs, 2) : null,
  ratioCpu: e ? round(o.cpuMsPerRun / e.cpuMsPerRun, 2) : null,
  ...(extraCaCerts ? { validateConfigWithNodeExtraCaCerts: summary(oursWithCerts) } : {}),
  inProcess1000FilesMs: round(median(batches)),
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/validate-config.json'), JSON.stringify(result, null, 2) + '\n');
process.stdout.write(`validate-config cold start ${o.medianMs} ms` +
  (e ? ` vs dockerd --validate ${e.medianMs} ms: ratio ${result.ratio} on medians, ${result.ratioFastest} on fastest runs, ${result.ratioCpu} on CPU time` : ' (no dockerd: set DOCKERD_BIN)') +
  (extraCaCerts ? `; with NODE_EXTRA_CA_CERTS set, ${result.validateConfigWithNodeExtraCaCerts?.medianMs} ms` : '') +
  `; 1,000 files in-process ${result.inProcess1000FilesMs} ms (load ${result.loadavg[0]} on ${result.cpus} CPUs)\nwrote bench/results/validate-config.json\n`);
