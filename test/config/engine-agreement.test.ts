/**
 * Our verdict against `dockerd --validate --config-file` on every corpus file. The dockerd comes from
 * DOCKERD_BIN, else the project's dist/dockerd (what build-dockerd makes); without one the suite prints
 * SKIPPED. Files using extra-storage are compared only when the dockerd knows the key (its --help lists
 * --extra-storage); a stock dockerd reports them as unknown directives.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isInvalid, validateDaemonConfig } from '../../src/config/validate.ts';
import { removeDir, tempDir } from '../helpers.ts';
import { corpusDir, corpusFiles, expectedVerdicts, prng, readCorpus, SCHEMAS } from './fixtures.ts';
import { isEngineLine, type EngineLine } from '../../src/config/engine-line.ts';

const root = new URL('../../', import.meta.url).pathname;
const dockerd = process.env.DOCKERD_BIN || (existsSync(join(root, 'dist/dockerd')) ? join(root, 'dist/dockerd') : undefined);
const Agreement = suite('config/engine-agreement: our verdict vs dockerd --validate');

/**
 * The environment dockerd --validate runs in: --validate checks that the userland proxy binary exists
 * when userland-proxy is on (the default); a stub on PATH keeps that host-specific check out of the
 * comparison. Also tells whether this dockerd knows extra-storage.
 */
function engineSandbox(bin: string, dir: string): { env: NodeJS.ProcessEnv; knowsExtraStorage: boolean; line: EngineLine } {
  writeFileSync(join(dir, 'docker-proxy'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'docker-proxy'), 0o755);
  const env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` };
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8', timeout: 30_000, env });
  // "Docker version 29.7.2-extra.1, build …": our files are checked against the line of this dockerd.
  const major = /version (\d+)\./.exec(spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000, env }).stdout)?.[1];
  const line = `v${major}`;
  assert.ok(isEngineLine(line), `${bin} --version names no engine line validate-config knows (major ${major})`);
  return { env, knowsExtraStorage: `${help.stdout}${help.stderr}`.includes('--extra-storage'), line };
}

if (!dockerd) {
  console.log('SKIPPED config/engine-agreement: no dockerd (set DOCKERD_BIN, or build one into dist/ with build-dockerd)');
} else {
  Agreement('agrees with dockerd --validate wherever the engine has an opinion; stricter only where listed', async () => {
    const dir = await tempDir('engine-agreement-');
    try {
      const { env, knowsExtraStorage, line } = engineSandbox(dockerd, dir);
      const expected = expectedVerdicts();
      const rows = { agree: [] as string[], stricter: [] as string[], notApplicable: [] as string[], bothRefuse: [] as string[] };
      const problems: string[] = [];
      for (const name of corpusFiles()) {
        const bytes = readCorpus(name);
        if (!knowsExtraStorage && bytes.includes('extra-storage')) { rows.notApplicable.push(name); continue; }
        const r = spawnSync(dockerd, ['--validate', '--config-file', join(corpusDir, name)], { cwd: dir, encoding: 'utf8', timeout: 30_000, env });
        assert.ok(r.status !== null, `dockerd --validate timed out on ${name}`);
        const engineValid = r.status === 0 && r.stderr.includes('configuration OK');
        const oursValid = !isInvalid(validateDaemonConfig(bytes, { schema: SCHEMAS[line], file: name }));
        const why = expected[name]?.stricter;
        const engineSays = r.stderr.trim().split('\n').pop() ?? '';
        if (oursValid === engineValid) (why ? rows.bothRefuse : rows.agree).push(name);
        else if (!oursValid && why) rows.stricter.push(`${name}: ${why}`);
        else if (!oursValid) problems.push(`${name}: we refuse it, dockerd accepts it, and expected.json gives no reason`);
        else problems.push(`${name}: we accept it but dockerd refuses it: ${engineSays}`);
      }
      const compared = rows.agree.length + rows.stricter.length + rows.bothRefuse.length;
      console.log(`engine agreement (${dockerd}, ${line}${knowsExtraStorage ? ', knows extra-storage' : ', stock: extra-storage files skipped'}): ` +
        `${rows.agree.length + rows.bothRefuse.length}/${compared} same verdict, ${rows.stricter.length} stricter by design, ${rows.notApplicable.length} not applicable`);
      for (const s of rows.stricter) console.log(`  stricter  ${s}`);
      for (const s of rows.bothRefuse) console.log(`  note      ${s}: listed as stricter, but this dockerd refuses it too`);
      assert.equal(problems, []);
      assert.ok(compared >= 40, `only ${compared} files compared`);
    } finally {
      await removeDir(dir);
    }
  });

  Agreement('on mutated corpus files, whatever we accept dockerd accepts too (seeded)', async () => {
    const dir = await tempDir('engine-agreement-mutants-');
    try {
      const { env, knowsExtraStorage, line } = engineSandbox(dockerd, dir);
      const random = prng(Number(process.env.FUZZ_SEED ?? 7));
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
      const tokens = ['null', 'true', 'false', '0.5', '1e3', '""', '"x"', '[]', '{}', '0', '1', '-1', '"A"', '70000', '"1.2.3.4"', '"10m"', '"a=b"'];
      // Keys whose verdict depends on this host (users, files, cgroup version), not on the config.
      const hostDependent = ['userns-remap', 'userland-proxy-path', 'tlscert', 'tlskey', 'seccomp-profile', 'init-path', 'cpu-rt-'];
      const sources = corpusFiles().map(readCorpus)
        .filter((b) => (knowsExtraStorage || !b.includes('extra-storage')) && !hostDependent.some((k) => b.includes(k)));
      const lenient: string[] = [];
      let compared = 0;
      for (let i = 0; i < 400; i++) {
        // Replace one scalar value with another token: the file stays JSON and exercises types and rules.
        // No paths among the tokens: whether a file exists on this host is not the config's property.
        const text = pick(sources).toString('utf8');
        const values = [...text.matchAll(/: ("[^"]*"|-?\d+|true|false)/g)];
        if (values.length === 0) continue;
        const m = pick(values);
        const start = (m.index ?? 0) + 2;
        const mutated = text.slice(0, start) + pick(tokens) + text.slice(start + (m[1] as string).length);
        if (isInvalid(validateDaemonConfig(mutated, { schema: SCHEMAS[line] }))) continue; // we refuse it: stricter is allowed
        const file = join(dir, `m${i}.json`);
        writeFileSync(file, mutated);
        const r = spawnSync(dockerd, ['--validate', '--config-file', file], { cwd: dir, encoding: 'utf8', timeout: 30_000, env });
        compared++;
        if (r.status !== 0) lenient.push(`${mutated.replace(/\s+/g, ' ')} → ${r.stderr.trim().split('\n').pop()}`);
      }
      console.log(`mutants accepted by us and checked with dockerd: ${compared}, refused by dockerd: ${lenient.length}`);
      assert.equal(lenient, []);
      assert.ok(compared >= 10, `only ${compared} mutants compared`);
    } finally {
      await removeDir(dir);
    }
  });
}

Agreement.run();
