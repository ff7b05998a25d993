/**
 * The native flow: docker-ce-packaging's own docker-ce.spec under the host's rpmbuild, with our
 * macros file, our version defines, and the environment the packaging containers set up (their
 * Dockerfile's ENV), all as data so a test can read it. Run in the sandbox (sandbox.ts).
 */
import type { BuildLayout } from './layout.ts';
import type { Distro } from './distro.ts';

export interface NativeBuild {
  layout: BuildLayout;
  distro: Distro;
  /** The spec inside layout.specs. */
  spec: string;
  /** Our rpm/macros.dockerd-extra, copied into the build folder. */
  macrosFile: string;
  defines: Record<string, string>;
  /** Folder holding the host's go binary, put on PATH inside the sandbox. */
  goBin?: string;
  goMd2man?: string;
}

/** rpmbuild -ba: the binary RPM and the SRPM in one run, the spec's %check included. */
export function rpmbuildArgs(build: NativeBuild): string[] {
  const defines: Record<string, string> = {
    _topdir: build.layout.topdir,
    _tmppath: build.layout.tmp,
    dist: build.distro.dist,
    ...build.distro.macros,
    ...build.defines,
  };
  return [
    'rpmbuild',
    // Loaded after the host's macros: supplies what a non-RHEL rpm lacks (systemd, _buildshell).
    '--load',
    build.macrosFile,
    ...Object.entries(defines).flatMap(([name, value]) => ['--define', `${name} ${value}`]),
    // The host's rpm database knows none of the BuildRequires; the host tools stand in for them.
    '--nodeps',
    '-ba',
    build.spec,
  ];
}

/** The environment of the packaging containers (rpm/<distro>/Dockerfile ENV), adapted to this host. */
export function buildEnv(build: NativeBuild, hostPath: string): Record<string, string> {
  return {
    GOPATH: '/go',
    GO111MODULE: 'on',
    GOTOOLCHAIN: 'local',
    AUTO_GOPATH: '1',
    DOCKER_BUILDTAGS: 'exclude_graphdriver_btrfs',
    // moby vendors everything: a build that reaches for the network is a bug, not a download.
    GOPROXY: 'off',
    GOCACHE: build.layout.goCache,
    TMPDIR: build.layout.tmp,
    // man/Makefile builds its own go-md2man unless told; Debian's is installed.
    ...(build.goMd2man ? { GO_MD2MAN: build.goMd2man } : {}),
    PATH: build.goBin ? `${hostPath}:${build.goBin}` : hostPath,
  };
}
