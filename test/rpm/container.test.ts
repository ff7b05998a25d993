/** The container flow's make command line (asserted, not run) and its refusal without an engine. */
import { execFileSync } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { assertEngine, containerMakeCommand, engineVersion, rpmbuildFlags } from '../../src/rpm/container.ts';
import { ExecError } from '../../src/errors.ts';
import { goImage } from '../../src/rpm/container-run.ts';
import { NoEngineError } from '../../src/rpm/errors.ts';
import { removeDir, tempDir, writeFiles } from '../helpers.ts';

const Container = suite('container flow');
const defines = { _version: '28.5.2', _release: '1.extra1', _origversion: '28.5.2-extra.1', _gitcommit_engine: 'abc1234' };

Container('make -C <packaging>/rpm <distro> with our RPMBUILD_FLAGS and no source rules', () => {
  const cmd = containerMakeCommand({ packagingDir: '/b/stage/packaging', distro: 'centos-9', defines });
  assert.is(cmd.command, 'make');
  assert.equal(cmd.args, [
    '-C', '/b/stage/packaging/rpm',
    '-o', 'rpmbuild/SOURCES/engine.tgz',
    '-o', 'rpmbuild/SOURCES/cli.tgz',
    '-o', 'rpmbuild/SOURCES/buildx.tgz',
    '-o', 'rpmbuild/SOURCES/compose.tgz',
    '-o', 'rpmbuild/SOURCES/model.tgz',
    'centos-9',
    "RPMBUILD_FLAGS=-ba --define '_version 28.5.2' --define '_release 1.extra1' --define '_origversion 28.5.2-extra.1' --define '_gitcommit_engine abc1234' $(RPMBUILD_EXTRA_FLAGS) SPECS/docker-ce.spec",
  ]);
});

/** A Makefile with the shape of docker-ce-packaging's: RHEL targets add to RPMBUILD_EXTRA_FLAGS, the recipe hands RPMBUILD_FLAGS to a shell. */
const TOY_MAKEFILE = `rhel-9: RPMBUILD_EXTRA_FLAGS += --define '_no_libnftables true'
centos-9 rhel-9:
\t@printf '%s\\n' $(RPMBUILD_FLAGS)
`;

async function wordsAfterMake(target: string, flags: string): Promise<string[]> {
  const dir = await tempDir('dockerd-extra-toymake-');
  try {
    await writeFiles(dir, { Makefile: TOY_MAKEFILE });
    return execFileSync('make', ['-s', '-C', dir, target, `RPMBUILD_FLAGS=${flags}`], { encoding: 'utf8' }).trimEnd().split('\n');
  } finally {
    await removeDir(dir);
  }
}

const ourWords = ['-ba', '--define', '_version 28.5.2', '--define', '_release 1.extra1', '--define', '_origversion 28.5.2-extra.1', '--define', '_gitcommit_engine abc1234'];

const makeCases: Array<{ name: string; target: string; defines: Record<string, string>; want: string[] }> = [
  { name: 'centos-9: our defines, nothing extra', target: 'centos-9', defines, want: [...ourWords, 'SPECS/docker-ce.spec'] },
  {
    name: "rhel-9: the Makefile's own extra flags are kept (master's _no_libnftables)",
    target: 'rhel-9',
    defines,
    want: [...ourWords, '--define', '_no_libnftables true', 'SPECS/docker-ce.spec'],
  },
  {
    name: "a quote and a dollar in a value survive make and the shell",
    target: 'centos-9',
    defines: { _odd: "it's $HOME $(x)" },
    want: ['-ba', '--define', "_odd it's $HOME $(x)", 'SPECS/docker-ce.spec'],
  },
];

for (const c of makeCases) {
  Container(`RPMBUILD_FLAGS reach rpmbuild as the right words after make and its shell: ${c.name}`, async () => {
    assert.equal(await wordsAfterMake(c.target, rpmbuildFlags(c.defines)), c.want);
  });
}

Container('the Go image comes from common.mk', () => {
  assert.is(goImage('ARCH=x\nGO_VERSION:=1.24.9\n'), 'golang:1.24.9-bookworm');
  assert.is(goImage('nothing here'), undefined);
});

Container('no engine answering docker info is one error pointing at --native', async () => {
  const bin = await tempDir('dockerd-extra-fakedocker-');
  const path = process.env.PATH;
  try {
    await writeFiles(bin, { docker: '#!/bin/sh\necho "Cannot connect to the Docker daemon" >&2\nexit 1\n' });
    await chmod(join(bin, 'docker'), 0o755);
    process.env.PATH = `${bin}:${path}`;
    const error = await assertEngine(['quay.io/centos/centos:stream9'], bin).catch((e: unknown) => e);
    assert.instance(error, NoEngineError);
    assert.match((error as NoEngineError).message, /--native/);
  } finally {
    process.env.PATH = path;
    await removeDir(bin);
  }
});

Container('an engine without the base image, which cannot be pulled, is refused the same way', async () => {
  const bin = await tempDir('dockerd-extra-fakedocker-');
  const path = process.env.PATH;
  try {
    await writeFiles(bin, { docker: '#!/bin/sh\ncase "$1" in info) echo 28.2.2 ;; *) exit 1 ;; esac\n' });
    await chmod(join(bin, 'docker'), 0o755);
    process.env.PATH = `${bin}:${path}`;
    const error = await assertEngine(['quay.io/centos/centos:stream9'], bin).catch((e: unknown) => e);
    assert.instance(error, NoEngineError);
    assert.is((error as NoEngineError).reason, 'the base image quay.io/centos/centos:stream9 cannot be pulled');
  } finally {
    process.env.PATH = path;
    await removeDir(bin);
  }
});

Container('engineVersion: no docker CLI at all is "no engine"; a docker that cannot start is an error', async () => {
  const bin = await tempDir('dockerd-extra-nodocker-');
  const path = process.env.PATH;
  try {
    process.env.PATH = bin; // an empty folder: no docker on PATH
    assert.is(await engineVersion(bin), undefined);
    process.env.PATH = path;
    const error = await engineVersion(join(bin, 'gone')).catch((e: unknown) => e);
    assert.instance(error, ExecError, 'a missing working folder is not "no engine"');
  } finally {
    process.env.PATH = path;
    await removeDir(bin);
  }
});

Container.run();
