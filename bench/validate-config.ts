/**
 * Benchmark of validate-config (not a timed test): CLI cold start against `dockerd --validate
 * --config-file` on the same file, runs interleaved, medians and their ratio; and in-process
 * validation of 1,000 corpus files. Writes bench/results/validate-config.json.
 * Usage: npx tsx bench/validate-config.ts [--runs 21]   (DOCKERD_BIN or dist/dockerd for the engine side)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { validateDaemonConfig } from '../src/config/validate.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(parseArgs({ options: { runs: { type: 'string' } } }).values.runs ?? 21);
const corpus = join(root, 'test/config/corpus');
const sample = join(corpus, 'production-overlay2.json');
const dockerd = process.env.DOCKERD_BIN || (existsSync(join(root, 'dist/dockerd')) ? join(root, 'dist/dockerd') : undefined);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fastest = (xs: number[]) => Math.min(...xs);
const ms = (x: number) => Math.round(x * 10) / 10;
/** CPU time (user+system) of waited-for children so far, in ms: /proc/self/stat cutime+cstime (100 Hz ticks). */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}
const cpu: Record<string, number> = { validateConfig: 0, validateConfigWithoutNodeExtraCaCerts: 0, dockerdValidate: 0 };
function wallMs(cmd: string, args: string[], env: NodeJS.ProcessEnv, cpuKey: string): number {
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
  if (r.status === null) throw new Error(`${cmd} did not finish`);
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  cpu[cpuKey] = (cpu[cpuKey] ?? 0) + childrenCpuMs() - cpuBefore;
  return wall;
}

if (!existsSync(join(root, 'dist/validate-config.cjs'))) {
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-validate-config.ts')], { stdio: 'inherit' });
}
const stub = mkdtempSync(join(tmpdir(), 'bench-vc-'));
writeFileSync(join(stub, 'docker-proxy'), '#!/bin/sh\nexit 0\n'); // --validate looks the userland proxy up on PATH
chmodSync(join(stub, 'docker-proxy'), 0o755);
const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${stub}:${process.env.PATH ?? ''}` };
// Node 20 reads NODE_EXTRA_CA_CERTS at start-up (a whole CA bundle here): measure without it too.
const { NODE_EXTRA_CA_CERTS: _certs, ...envNoCerts } = env;

const ours: number[] = [];
const oursNoCerts: number[] = [];
const engine: number[] = [];
const bin = join(root, 'bin/validate-config.cjs');
for (let i = 0; i < runs; i++) {
  ours.push(wallMs(process.execPath, [bin, sample], env, 'validateConfig'));
  if (_certs) oursNoCerts.push(wallMs(process.execPath, [bin, sample], envNoCerts, 'validateConfigWithoutNodeExtraCaCerts'));
  if (dockerd) engine.push(wallMs(dockerd, ['--validate', '--config-file', sample], env, 'dockerdValidate'));
}
rmSync(stub, { recursive: true, force: true });

const files = readdirSync(corpus).filter((n) => n !== 'expected.json').map((n) => readFileSync(join(corpus, n)));
const thousand = Array.from({ length: 1000 }, (_, i) => files[i % files.length] as Buffer);
for (const f of thousand.slice(0, 100)) validateDaemonConfig(f); // warm-up: JIT, not cold start
const batches: number[] = [];
for (let b = 0; b < 5; b++) {
  const start = process.hrtime.bigint();
  for (const f of thousand) validateDaemonConfig(f);
  batches.push(Number(process.hrtime.bigint() - start) / 1e6);
}

const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  file: 'test/config/corpus/production-overlay2.json',
  runs,
  coldStartMs: {
    validateConfig: Math.round(median(ours) * 10) / 10,
    ...(oursNoCerts.length ? { validateConfigWithoutNodeExtraCaCerts: Math.round(median(oursNoCerts) * 10) / 10 } : {}),
    dockerdValidate: dockerd ? Math.round(median(engine) * 10) / 10 : null,
  },
  fastestMs: { validateConfig: ms(fastest(ours)), ...(oursNoCerts.length ? { validateConfigWithoutNodeExtraCaCerts: ms(fastest(oursNoCerts)) } : {}), dockerdValidate: dockerd ? ms(fastest(engine)) : null },
  /** Mean CPU time (user+system) per run: less disturbed by other load than wall time. */
  cpuMsPerRun: Object.fromEntries(Object.entries(cpu).filter(([, v]) => v > 0).map(([k, v]) => [k, ms(v / runs)])),
  ratioCpu: dockerd && cpu.dockerdValidate ? Math.round(((cpu.validateConfig ?? 0) / cpu.dockerdValidate) * 100) / 100 : null,
  ...(_certs && dockerd && cpu.dockerdValidate ? { ratioCpuWithoutNodeExtraCaCerts: Math.round(((cpu.validateConfigWithoutNodeExtraCaCerts ?? 0) / cpu.dockerdValidate) * 100) / 100 } : {}),
  /** ours / dockerd on the medians; on a loaded machine the fastest runs say more about the programs. */
  ratio: dockerd ? Math.round((median(ours) / median(engine)) * 100) / 100 : null,
  ratioFastest: dockerd ? Math.round((fastest(ours) / fastest(engine)) * 100) / 100 : null,
  ...(oursNoCerts.length && dockerd ? { ratioWithoutNodeExtraCaCerts: Math.round((median(oursNoCerts) / median(engine)) * 100) / 100 } : {}),
  dockerd: dockerd ?? null,
  inProcess1000FilesMs: Math.round(median(batches) * 10) / 10,
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/validate-config.json'), JSON.stringify(result, null, 2) + '\n');
process.stdout.write(`validate-config cold start ${result.coldStartMs.validateConfig} ms` +
  (dockerd ? ` vs dockerd --validate ${result.coldStartMs.dockerdValidate} ms (ratio ${result.ratio} on medians, ${result.ratioFastest} on fastest runs, ${result.ratioCpu} on CPU time)` : ' (no dockerd: set DOCKERD_BIN)') +
  `; 1,000 files in-process ${result.inProcess1000FilesMs} ms (load ${result.loadavg[0]} on ${result.cpus} CPUs)\nwrote bench/results/validate-config.json\n`);
