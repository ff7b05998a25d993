/** The sandbox: writes outside the build folder land in a tmpfs layer and never reach the host. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../src/exec/run.ts';
import { assertCanSandbox, sandboxCommand, WROTE_PREFIX } from '../../src/rpm/sandbox.ts';
import { MissingToolError } from '../../src/errors.ts';
import { NeedsRootError } from '../../src/rpm/errors.ts';
import { removeDir, tempDir } from '../helpers.ts';
import { nativeSkipReason } from './fixtures.ts';

const Sandbox = suite('sandbox');
const skip = nativeSkipReason();

if (skip) console.log(`SKIPPED sandbox: ${skip}`);
else
  Sandbox('/usr/local/bin and /go written inside are absent after; the build folder keeps its files', async () => {
    const build = await tempDir('dockerd-extra-sandbox-');
    const probe = `/usr/local/bin/dockerd-extra-probe-${process.pid}`;
    try {
      const script = `echo x > ${probe}; mkdir -p /go/y; echo z > /go/y/z; echo kept > ${build}/kept; cat ${probe}`;
      const cmd = sandboxCommand(build, join(build, 'mnt'), { PROBE: '1' }, ['sh', '-c', script]);
      const out = await run(cmd.command, cmd.args, { cwd: build });
      const wrote = out.stdout.split('\n').filter((l) => l.startsWith(WROTE_PREFIX)).map((l) => l.slice(WROTE_PREFIX.length));
      assert.ok(wrote.includes(probe), wrote.join(' '));
      assert.ok(wrote.includes('/go/y/z'), wrote.join(' '));
      assert.not.ok(existsSync(probe), `${probe} must not exist on the host`);
      assert.not.ok(existsSync('/go/y/z'), '/go must not exist on the host');
      assert.is(await readFile(join(build, 'kept'), 'utf8'), 'kept\n');
    } finally {
      await removeDir(build);
    }
  });

Sandbox('a failing command keeps its exit code', async () => {
  if (skip) return;
  const build = await tempDir('dockerd-extra-sandbox-');
  try {
    const cmd = sandboxCommand(build, join(build, 'mnt'), {}, ['sh', '-c', 'exit 7']);
    const out = await run(cmd.command, cmd.args, { cwd: build, reject: false });
    assert.is(out.exitCode, 7);
  } finally {
    await removeDir(build);
  }
});

Sandbox('without root or unshare the native flow is refused before anything is built', () => {
  assert.throws(() => assertCanSandbox(1000, '/usr/bin/unshare'), (e: unknown) => e instanceof NeedsRootError && e.uid === 1000);
  assert.throws(() => assertCanSandbox(0, undefined), (e: unknown) => e instanceof MissingToolError && e.tool === 'unshare');
  assertCanSandbox(0, '/usr/bin/unshare');
});

Sandbox.run();
