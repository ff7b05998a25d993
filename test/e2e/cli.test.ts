import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

const Cli = suite('e2e and bench commands: usage');

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/bin.ts', ...args], { encoding: 'utf8', env: { ...process.env, DOCKERD_EXTRA_QUIET: '1' } });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

Cli('e2e with neither --moby nor --dockerd is a usage error (exit 2) naming both flags', () => {
  const { code, stderr } = cli('e2e');
  assert.is(code, 2);
  assert.match(stderr, '--moby');
  assert.match(stderr, '--dockerd');
});

Cli('e2e with a --moby path that does not exist is a usage error and starts nothing', () => {
  const { code, stderr, stdout } = cli('e2e', '--moby', '/nonexistent/moby');
  assert.is(code, 2);
  assert.match(stderr, '/nonexistent/moby does not exist');
  assert.not.match(stdout, 'PASS');
});

Cli('an unknown e2e flag is a usage error', () => {
  assert.is(cli('e2e', '--mob', 'x').code, 2);
});

Cli('bench rejects a run count that is not a whole number from 1 to 100', () => {
  const { code, stderr } = cli('bench', '--dockerd', process.execPath, '--runs', '0');
  assert.is(code, 2);
  assert.match(stderr, '--runs');
});

Cli('bench --quick with --sizes is a one-line usage error (exit 2)', () => {
  const { code, stderr } = cli('bench', '--dockerd', process.execPath, '--quick', '--sizes', '1G');
  assert.is(code, 2);
  assert.match(stderr, '--quick');
  assert.is(stderr.trim().split('\n').length, 1);
});

Cli('bench --fleet takes a whole number; --readme takes no measuring flag', () => {
  assert.is(cli('bench', '--dockerd', process.execPath, '--fleet', 'many').code, 2);
  const { code, stderr } = cli('bench', '--readme', '--dockerd', process.execPath);
  assert.is(code, 2);
  assert.match(stderr, '--readme');
});

Cli('bench --help names every flag of the benchmark and exits 0', () => {
  const { code, stdout } = cli('bench', '--help');
  assert.is(code, 0);
  for (const flag of ['--dockerd', '--sizes', '--layers', '--runs', '--quick', '--fleet', '--json', '--readme']) assert.match(stdout, flag);
});

Cli.run();
