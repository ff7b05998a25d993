/**
 * Mutated corpus files (seeded, bounded): the validator never throws, its findings stay well-formed
 * and sorted, and the CLI exits 0, 1 or 2 with every line in the documented format or valid JSON.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateDaemonConfig } from '../../src/config/validate.ts';
import { removeDir, tempDir } from '../helpers.ts';
import { corpusFiles, FINDING_LINE, prng, readCorpus, SCHEMAS } from './fixtures.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20251125);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 3000);
const TOKENS = ['{', '}', '[', ']', ',', ':', '"', '//', '/*', 'null', 'true', '-', '1e999', '0.5', '\\', '\\u00', '"extra-storage"', '"a\\nb"', '"~/"', '\u2028', '\uFEFF'];
const random = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

function mutate(input: Buffer): Buffer {
  let b = Buffer.from(input);
  const rounds = 1 + Math.floor(random() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(random() * (b.length + 1));
    switch (Math.floor(random() * 5)) {
      case 0: if (b.length) b[Math.min(at, b.length - 1)] = Math.floor(random() * 256); break;
      case 1: b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(random() * 8)))]); break;
      case 2: b = Buffer.concat([b.subarray(0, at), Buffer.from(pick(TOKENS)), b.subarray(at)]); break;
      case 3: b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + 40), b.subarray(at)]); break;
      default: b = b.subarray(0, at);
    }
  }
  return b;
}

const Fuzz = suite('config/fuzz: mutated corpus files');
const sources = corpusFiles().map(readCorpus);

Fuzz(`validateDaemonConfig never throws and its findings are well-formed (seed ${SEED}, ${ITERATIONS} files)`, () => {
  for (let i = 0; i < ITERATIONS; i++) {
    const input = mutate(pick(sources));
    let findings;
    try {
      findings = validateDaemonConfig(input, { schema: i % 2 ? SCHEMAS.v29 : SCHEMAS.v28, file: 'm.json' }); // both lines
    } catch (error) {
      assert.unreachable(`iteration ${i} threw ${String(error)} on ${JSON.stringify(input.toString('latin1'))}`);
      return;
    }
    let last = -1;
    for (const f of findings) {
      assert.ok(f.line >= 1 && f.column >= 1 && f.offset >= 0, `iteration ${i}: position ${f.line}:${f.column}`);
      assert.ok(f.pointer === '' || f.pointer.startsWith('/'));
      assert.ok(f.severity === 'error' || f.severity === 'warning');
      assert.ok(f.keyword.length > 0 && f.message.length > 0);
      assert.ok(f.offset >= last, `iteration ${i}: findings not sorted`);
      last = f.offset;
    }
  }
});

Fuzz('the CLI exits 0, 1 or 2 and keeps its output well-formed', async () => {
  const dir = await tempDir('validate-config-fuzz-');
  try {
    const bundle = join(dir, 'vc.cjs');
    const root = new URL('../../', import.meta.url).pathname;
    assert.is(spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-validate-config.ts', '--outfile', bundle], { cwd: root }).status, 0);
    const files = Array.from({ length: 60 }, (_, i) => {
      const name = `m${i}.json`;
      writeFileSync(join(dir, name), mutate(pick(sources)));
      return name;
    });
    for (let i = 0; i < files.length; i += 12) {
      const batch = files.slice(i, i + 12);
      const text = spawnSync(process.execPath, [bundle, ...batch], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.ok([0, 1, 2].includes(text.status as number), `exit ${text.status} for ${batch.join(' ')}`);
      for (const line of text.stdout.split('\n').filter(Boolean)) assert.match(line, FINDING_LINE);
      assert.not.match(text.stderr, /internal error|\n\s+at /);
      const json = spawnSync(process.execPath, [bundle, '--json', ...batch], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.is(json.status, text.status);
      const doc = JSON.parse(json.stdout) as { files: unknown[] };
      assert.is(doc.files.length, batch.length);
    }
  } finally {
    await removeDir(dir);
  }
});

Fuzz.run();
