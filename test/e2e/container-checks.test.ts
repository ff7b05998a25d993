import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { checkScript, parseCheckOutput, shellQuote } from '../../src/e2e/container-checks.ts';
import type { Expectation } from '../../src/e2e/image-spec.ts';
import { removeDir, tempDir, writeFiles } from '../helpers.ts';
import { sha256 } from '../../src/digest.ts';

const Checks = suite('e2e/container-checks');

Checks('quoting survives single quotes and spaces', () => {
  const out = execFileSync('sh', ['-c', `echo ${shellQuote("it's a b")}`], { encoding: 'utf8' });
  assert.is(out, "it's a b\n");
});

Checks('the script passes on a tree that matches and fails each expectation that does not', async () => {
  const dir = await tempDir();
  try {
    await writeFiles(dir, { 'd/a.txt': 'alpha\n', 'd/opq/up.txt': 'u' });
    execFileSync('ln', [`${dir}/d/a.txt`, `${dir}/d/hard.txt`]);
    execFileSync('ln', ['-s', 'a.txt', `${dir}/d/sym`]);
    const expectations: Expectation[] = [
      { kind: 'sha256', path: `${dir}/d/a.txt`, sha256: sha256('alpha\n'), what: 'a' },
      { kind: 'absent', path: `${dir}/d/gone.txt` },
      { kind: 'listing', dir: `${dir}/d/opq`, names: ['up.txt'] },
      { kind: 'symlink', path: `${dir}/d/sym`, target: 'a.txt' },
      { kind: 'hardlink', path: `${dir}/d/hard.txt`, other: `${dir}/d/a.txt` },
      // the failing ones
      { kind: 'sha256', path: `${dir}/d/a.txt`, sha256: sha256('beta\n'), what: 'a' },
      { kind: 'absent', path: `${dir}/d/sym` },
      { kind: 'listing', dir: `${dir}/d`, names: ['a.txt'] },
      { kind: 'hardlink', path: `${dir}/d/sym`, other: `${dir}/d/opq/up.txt` },
    ];
    const output = execFileSync('sh', ['-c', checkScript(expectations)], { encoding: 'utf8' });
    const verdicts = parseCheckOutput(output, expectations);
    assert.equal(verdicts.map((v) => v.ok), [true, true, true, true, true, false, false, false, false]);
    assert.match(verdicts[7]!.detail, 'hard.txt');
  } finally {
    await removeDir(dir);
  }
});

Checks('an expectation with no line in the output fails', () => {
  const expectations: Expectation[] = [{ kind: 'absent', path: '/x' }, { kind: 'absent', path: '/y' }];
  const verdicts = parseCheckOutput('OK 0\nnoise\n', expectations);
  assert.is(verdicts[0]!.ok, true);
  assert.is(verdicts[1]!.ok, false);
  assert.match(verdicts[1]!.detail, 'no verdict');
});

Checks.run();
