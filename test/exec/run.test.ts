import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/exec/run.ts';
import { CancelledError, ExecError, MissingToolError } from '../../src/errors.ts';
import { removeDir, tempDir } from '../helpers.ts';

const Run = suite('exec/run');

Run('returns stdout of a successful command', async () => {
  const result = await run('sh', ['-c', 'echo hello'], { cwd: '/' });
  assert.is(result.stdout, 'hello');
  assert.is(result.exitCode, 0);
});

Run('onStdoutLine sees what the program prints on stdout, line by line, and none of its stderr', async () => {
  const out: string[] = [];
  const all: string[] = [];
  await run('sh', ['-c', 'echo warning >&2; printf "first\\nsecond\\nlast"'], { cwd: '/', onStdoutLine: (l) => out.push(l), onLine: (l) => all.push(l) });
  assert.equal(out, ['first', 'second', 'last']);
  assert.ok(all.join('\n').includes('warning') && all.join('\n').includes('first'), 'onLine still sees both streams');
});

Run('a failing command throws an ExecError with the tail of its output and the log path', async () => {
  const dir = await tempDir();
  const logFile = join(dir, 'build.log');
  try {
    await run('sh', ['-c', 'for i in $(seq 1 50); do echo line$i; done; exit 3'], { cwd: dir, logFile });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, ExecError);
    const e = error as ExecError;
    assert.is(e.exitCode_, 3);
    assert.is(e.stderrTail.length, 30);
    assert.is(e.stderrTail.at(-1), 'line50');
    assert.is(e.logPath, logFile);
    assert.match(await readFile(logFile, 'utf8'), 'line1\n');
  } finally {
    await removeDir(dir);
  }
});

Run('reject: false returns the exit code instead of throwing', async () => {
  const result = await run('sh', ['-c', 'exit 4'], { cwd: '/', reject: false });
  assert.is(result.exitCode, 4);
});

Run('a missing program is a MissingToolError', async () => {
  try {
    await run('no-such-program-dockerd-extra', [], { cwd: '/' });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, MissingToolError);
  }
});

Run('a missing working folder is said as such, not as a missing program', async () => {
  try {
    await run('sh', ['-c', 'true'], { cwd: '/nonexistent-dockerd-extra' });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.not.instance(error, MissingToolError);
    assert.instance(error, ExecError);
    assert.match((error as ExecError).reason, /working folder \/nonexistent-dockerd-extra does not exist/);
  }
});

Run('aborting the signal kills the whole process group', async () => {
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 200);
  try {
    await run('sh', ['-c', 'sleep 30 & sleep 30; wait'], { cwd: '/', signal: controller.signal });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, CancelledError);
  }
  assert.ok(Date.now() - started < 10_000);
});

Run.run();
