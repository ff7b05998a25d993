/**
 * The systemd units of extra-snapshotter (snapshotter/systemd/): systemd's own checker accepts them
 * (systemd-analyze verify, in a root folder holding the host's units, our units and the binary),
 * they say what containerd and dockerd are configured with (issue 15's names), the binary knows
 * every flag of ExecStart, and the snapshotter's own Go tests pass with only the capabilities and
 * the no-new-privileges the unit leaves it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT as REPO } from '../../src/project.ts';
import { onPath, removeDir, tempDir } from '../helpers.ts';

const UNIT = join(REPO, 'snapshotter/systemd/extra-snapshotter.service');
const DROP_IN = join(REPO, 'snapshotter/systemd/containerd.service.d/extra-snapshotter.conf');
const SOCKET = '/run/extra-snapshotter/extra-snapshotter.sock';

/** The values of `key` in a unit file, in order (continuation lines are not used in ours). */
function values(text: string, key: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${key}=`)).map((line) => line.slice(key.length + 1));
}

const Units = suite('snapshotter/systemd units');

Units('the service runs the snapshotter with the conventional paths, before containerd', async () => {
  const unit = await readFile(UNIT, 'utf8');
  assert.equal(values(unit, 'ExecStart'), [
    `/usr/bin/extra-snapshotter --root /var/lib/extra-snapshotter --state /run/extra-snapshotter --address ${SOCKET} --extra-store /var/lib/docker/extra`,
  ]);
  assert.equal(values(unit, 'Before'), ['containerd.service']);
  // --state on /run (a tmpfs), kept through a restart; --root under /var/lib.
  assert.equal(values(unit, 'RuntimeDirectory'), ['extra-snapshotter']);
  assert.equal(values(unit, 'RuntimeDirectoryPreserve'), ['yes']);
  assert.equal(values(unit, 'StateDirectory'), ['extra-snapshotter']);
  assert.ok(values(unit, 'ExecStartPost')[0]?.includes(`-S ${SOCKET}`), 'started only once the socket is there');
  // Its mounts must be seen by containerd: no option that would give it its own mount namespace.
  for (const key of ['ProtectSystem', 'PrivateTmp', 'ProtectHome', 'PrivateDevices', 'ReadWritePaths', 'ReadOnlyPaths', 'PrivateMounts', 'ProtectKernelModules']) {
    assert.equal(values(unit, key), [], key);
  }
});

Units('the containerd drop-in wants the service and starts after it', async () => {
  const dropIn = await readFile(DROP_IN, 'utf8');
  assert.equal(values(dropIn, 'Wants'), ['extra-snapshotter.service']);
  assert.equal(values(dropIn, 'After'), ['extra-snapshotter.service']);
});

const binary = join(REPO, 'snapshotter/bin/extra-snapshotter');
const noGo = !onPath('go') ? 'go is not on PATH' : !onPath('make') ? 'make is not on PATH' : undefined;

/** The snapshotter as `make -C snapshotter build` makes it (Go's cache: seconds when built before). */
function buildBinary(): void {
  execFileSync('make', ['-C', join(REPO, 'snapshotter'), 'build'], { env: { ...process.env, GOTOOLCHAIN: 'local' }, stdio: 'ignore' });
}

const noAnalyze = !onPath('systemd-analyze') ? 'systemd-analyze is not on PATH' : noGo;
if (noAnalyze) {
  console.log(`SKIPPED snapshotter/systemd verify: ${noAnalyze}`);
} else {
  /** systemd-analyze --root=ROOT verify of our units, ROOT holding the host's units, /bin/sh and the binary. */
  const verify = async (unitText: string) => {
    const root = await tempDir();
    try {
      const units = join(root, 'usr/lib/systemd/system');
      await cp('/usr/lib/systemd/system', units, { recursive: true, verbatimSymlinks: true });
      await writeFile(join(units, 'extra-snapshotter.service'), unitText);
      await mkdir(join(units, 'containerd.service.d'), { recursive: true });
      await copyFile(DROP_IN, join(units, 'containerd.service.d/extra-snapshotter.conf'));
      // containerd's own unit, as far as the drop-in needs one to attach to.
      await writeFile(join(units, 'containerd.service'), '[Unit]\nDescription=containerd\n\n[Service]\nExecStart=/usr/bin/containerd\n');
      for (const [from, to] of [[binary, 'usr/bin/extra-snapshotter'], ['/bin/sh', 'bin/sh'], ['/bin/sh', 'usr/bin/containerd']] as const) {
        await mkdir(dirname(join(root, to)), { recursive: true });
        await copyFile(from, join(root, to));
      }
      const r = spawnSync('systemd-analyze', [`--root=${root}`, 'verify', join(units, 'extra-snapshotter.service'), join(units, 'containerd.service')], { encoding: 'utf8' });
      return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
    } finally {
      await removeDir(root);
    }
  };

  Units('systemd-analyze verify accepts the service and the drop-in', async () => {
    buildBinary();
    const r = await verify(await readFile(UNIT, 'utf8'));
    assert.is(r.output, '');
    assert.is(r.code, 0);
  });

  Units('systemd-analyze verify refuses a broken copy (the check can fail)', async () => {
    buildBinary();
    const r = await verify((await readFile(UNIT, 'utf8')).replace('Restart=always', 'Restart=sometimes'));
    assert.match(r.output, 'Failed to parse service restart specifier, ignoring: sometimes');
  });
}

if (noGo) {
  console.log(`SKIPPED snapshotter/systemd ExecStart and capabilities: ${noGo}`);
} else {
  Units('the binary knows every flag of ExecStart', async () => {
    buildBinary();
    const args = values(await readFile(UNIT, 'utf8'), 'ExecStart')[0]!.split(' ').slice(1);
    // Flags are parsed in order: --help at the end answers 0 only when every flag before it is known.
    const known = spawnSync(binary, [...args, '--help'], { encoding: 'utf8' });
    assert.is(known.status, 0, known.stderr);
    const unknown = spawnSync(binary, [...args, '--no-such-flag', '--help'], { encoding: 'utf8' });
    assert.is(unknown.status, 2);
  });

  const noCaps = process.getuid?.() !== 0 ? 'not root' : !onPath('setpriv') ? 'setpriv is not on PATH' : undefined;
  if (noCaps) {
    console.log(`SKIPPED snapshotter/systemd capabilities: ${noCaps}`);
  } else {
    Units("the snapshotter's Go tests pass with only the unit's capabilities and no new privileges", async () => {
      const bounding = values(await readFile(UNIT, 'utf8'), 'CapabilityBoundingSet')[0]!.split(' ');
      assert.ok(bounding.includes('CAP_SYS_ADMIN'));
      const dir = await tempDir();
      try {
        const moduleDir = join(REPO, 'snapshotter');
        execFileSync('make', ['-C', moduleDir, 'generate'], { env: { ...process.env, GOTOOLCHAIN: 'local' }, stdio: 'ignore' });
        const testBinary = join(dir, 'extra.test');
        execFileSync('go', ['test', '-c', '-o', testBinary, './extra'], { cwd: moduleDir, env: { ...process.env, GOTOOLCHAIN: 'local' }, stdio: 'ignore' });
        const caps = ['-all', ...bounding.map((c) => `+${c.toLowerCase().replace(/^cap_/, '')}`)].join(',');
        const run = (set: string) => spawnSync('setpriv', ['--no-new-privs', `--bounding-set=${set}`, testBinary], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
        const limited = run(caps);
        assert.is(limited.status, 0, `${limited.stdout}${limited.stderr}`.split('\n').filter((l) => l.includes('FAIL')).join('\n'));
        // Without CAP_SYS_ADMIN the same tests fail: they do need what the unit grants.
        const less = run(caps.replace(',+sys_admin', ''));
        assert.is.not(less.status, 0);
      } finally {
        await removeDir(dir);
      }
    });
  }
}

Units.run();
