import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NoOutputError, timeFirstLine } from '../../src/bench/measure.ts';

const Measure = suite('bench/measure: the first-output timer');

Measure('stops at the first stdout line, not at a warning on stderr before it', async () => {
  const started = performance.now();
  const ms = await timeFirstLine('sh', ['-c', 'echo warning >&2; sleep 1; echo hello; sleep 1'], { cwd: '/', timeoutMs: 10_000 });
  // Whatever the start-up costs, the stdout line comes one second before the end: stopping at the
  // warning leaves two seconds, stopping at the end none.
  const left = performance.now() - started - ms;
  assert.ok(left > 700 && left < 1300, `the timer stopped ${Math.round(left)} ms before the command ended, not about 1000`);
});

Measure('a command that prints nothing has no first output: an error, not a number', async () => {
  try {
    await timeFirstLine('sh', ['-c', 'true'], { cwd: '/', timeoutMs: 10_000 });
    assert.unreachable('expected NoOutputError');
  } catch (error) {
    assert.instance(error, NoOutputError);
  }
});

Measure.run();
