/** Which data-root a dockerd uses, from its argv and config file; and a live one found in /proc. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataRootOf, dockerdUsing, flagValue } from '../../src/store/in-use.ts';
import { removeDir, tempDir } from '../helpers.ts';

const InUse = suite('store/in-use');

InUse('flagValue: both forms, the last one wins', () => {
  assert.is(flagValue(['--data-root', '/a', '--data-root=/b'], ['--data-root']), '/b');
  assert.is(flagValue(['-g', '/old'], ['--data-root', '-g']), '/old');
  assert.is(flagValue(['--debug'], ['--data-root']), undefined);
});

InUse('dataRootOf: the flag, else the config file\'s data-root, else /var/lib/docker', async () => {
  const dir = await tempDir('dockerd-extra-in-use-');
  try {
    await writeFile(join(dir, 'daemon.json'), JSON.stringify({ 'data-root': 'rel/root' }));
    assert.is(await dataRootOf(['--data-root', 'x'], dir), join(dir, 'x'));
    assert.is(await dataRootOf(['--config-file', join(dir, 'daemon.json')], dir), join(dir, 'rel/root'));
    assert.is(await dataRootOf(['--config-file', join(dir, 'missing.json')], dir), '/var/lib/docker');
  } finally {
    await removeDir(dir);
  }
});

InUse('dockerdUsing: a process named dockerd with --data-root DIR is found, another DIR is not', async () => {
  const dir = await tempDir('dockerd-extra-in-use-');
  // A stand-in named dockerd: a script's process is named after the script (/proc/PID/comm).
  await writeFile(join(dir, 'dockerd'), '#!/bin/sh\nsleep 30\n', { mode: 0o755 });
  await mkdir(join(dir, 'root'));
  const child = spawn(join(dir, 'dockerd'), [`--data-root=${join(dir, 'root')}`], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    assert.is((await dockerdUsing(join(dir, 'root')))?.pid, child.pid);
    assert.is(await dockerdUsing(dir), undefined);
  } finally {
    child.kill();
    await removeDir(dir);
  }
});

InUse.run();
