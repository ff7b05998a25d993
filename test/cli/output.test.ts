import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitOnStdoutError, fdOutput, type Output } from '../../src/cli/output.ts';
import { removeDir, tempDir } from '../helpers.ts';

const Out = suite('cli/output: findings straight to a file descriptor');
const TEXT = 'bad.json:1:2  /débug  error: ünknown\n';

/** A stand-in for process.stdout that keeps what it was given. */
function collector(): Output & { bytes: Buffer[] } {
  const bytes: Buffer[] = [];
  return { bytes, write: (chunk) => bytes.push(Buffer.from(chunk)) };
}
const noError = (error: Error) => assert.unreachable(`onError: ${error.message}`);

Out('writes every byte to the fd, in order', async () => {
  const dir = await tempDir('output-');
  const path = join(dir, 'out');
  const fd = openSync(path, 'w');
  const out = fdOutput(fd, () => assert.unreachable('no fallback for a regular file') as never, noError);
  out.write(TEXT);
  out.write(Buffer.from('second\n'));
  closeSync(fd);
  assert.is(readFileSync(path, 'utf8'), `${TEXT}second\n`);
  await removeDir(dir);
});

Out('a short write(2) is continued, not lost', () => {
  const written: number[] = [];
  const out = fdOutput(1, () => assert.unreachable() as never, noError, (_fd, bytes, offset) => {
    const n = Math.min(3, bytes.length - offset);
    written.push(...bytes.subarray(offset, offset + n));
    return n;
  });
  out.write(TEXT);
  assert.is(Buffer.from(written).toString(), TEXT);
});

Out('a full non-blocking fd (EAGAIN) hands the rest, mid-character too, and all later text to the stream', () => {
  const direct: number[] = [];
  const stream = collector();
  let calls = 0;
  const out = fdOutput(1, () => stream, noError, (_fd, bytes, offset) => {
    if (++calls > 1) throw Object.assign(new Error('EAGAIN: resource temporarily unavailable'), { code: 'EAGAIN' });
    direct.push(...bytes.subarray(offset, offset + 18)); // ends inside "é"
    return 18;
  });
  out.write(TEXT);
  out.write('later\n');
  assert.is(Buffer.concat([Buffer.from(direct), ...stream.bytes]).toString(), `${TEXT}later\n`);
  assert.is(calls, 2, 'after EAGAIN the fd is not tried again');
});

Out('any other failure (ENOSPC on /dev/full) is reported once and later text dropped', () => {
  assert.ok(existsSync('/dev/full'), 'this suite needs /dev/full (every Linux has it)');
  const fd = openSync('/dev/full', 'w');
  const errors: string[] = [];
  const out = fdOutput(fd, () => assert.unreachable() as never, (error) => errors.push(error.code ?? ''));
  assert.is(out.write(TEXT), false);
  assert.is(out.write(TEXT), false);
  closeSync(fd);
  assert.equal(errors, ['ENOSPC']);
});

Out('a failing stdout: quiet for a reader that went away, one line and exit 2 for anything else', () => {
  const said = collector();
  const exits: number[] = [];
  const failed = exitOnStdoutError(said, (code) => exits.push(code));
  failed(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  failed(Object.assign(new Error('write ENOSPC'), { code: 'ENOSPC' }));
  assert.equal(exits, [1, 2]);
  assert.equal(Buffer.concat(said.bytes).toString(), 'error: cannot write to stdout (ENOSPC); check where the output goes\n');
});

Out.run();
