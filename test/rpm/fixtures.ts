/**
 * Toy inputs for the rpm suites, invented here (nothing copied from moby or docker-ce-packaging):
 * an engine tree with moby's file names whose hack/make.sh writes a shell-script "dockerd", and a
 * packaging checkout whose docker-ce.spec has the same shape as the real one (the %setup, the /go
 * link, the tini install to /usr/local/bin, the %check of --version, the anchors we hook into).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gitSync, makeRepo, onPath } from '../helpers.ts';

/** Prints --extra-storage in --help only when the "patch" (daemon/extrastorage.go) is in the tree. */
const MAKE_SH = `#!/bin/sh
set -e
mkdir -p bundles/dynbinary-daemon
help='Usage: dockerd [OPTIONS]'
if [ -f daemon/extrastorage.go ]; then help="$help
      --extra-storage string   Extra storage for layers"; fi
cat > bundles/dynbinary-daemon/dockerd <<SCRIPT
#!/bin/sh
case "\\$1" in
  --version) echo "Docker version $VERSION, build $DOCKER_GITCOMMIT" ;;
  *) echo "$help" ;;
esac
SCRIPT
printf '#!/bin/sh\\necho proxy\\n' > bundles/dynbinary-daemon/docker-proxy
chmod 0755 bundles/dynbinary-daemon/dockerd bundles/dynbinary-daemon/docker-proxy
`;

const INSTALL_SH = `#!/bin/sh
set -e
: "\${PREFIX:=/usr/local/bin}"
. "$(dirname "$0")/$1.installer"
install_$1
`;

export function toyEngineFiles(): Record<string, string> {
  return {
    'cmd/dockerd/main.go': 'package main\n\nfunc main() {}\n',
    'daemon/daemon.go': 'package daemon\n',
    'vendor.mod': 'module github.com/docker/docker\n\ngo 1.23.0\n',
    'hack/make.sh': MAKE_SH,
    'hack/dockerfile/install/install.sh': INSTALL_SH,
    'hack/dockerfile/install/tini.installer': 'install_tini() {\n\tgit clone https://example.invalid/tini.git "$GOPATH/tini"\n}\n',
    'man/dockerd.8.md': '% DOCKERD(8)\n',
    'man/Makefile': 'all:\n\tmkdir -p man8 && echo ".TH DOCKERD 8" > man8/dockerd.8\ninstall: all\n\tinstall -D -m 0644 man8/dockerd.8 $(DESTDIR)$(mandir)/man8/dockerd.8\n',
    'contrib/init/systemd/docker.service': '[Service]\nExecStart=/usr/bin/dockerd\n',
    'contrib/init/systemd/docker.socket': '[Socket]\nListenStream=/run/docker.sock\n',
  };
}

export const TOY_SPEC = `%global debug_package %{nil}

Name: docker-ce
Version: %{_version}
Release: %{_release}%{?dist}
Epoch: 3
Source0: engine.tgz
Summary: A toy engine for the dockerd-extra tests
License: Apache-2.0
Requires: containerd.io >= 2.1.5
%if 0%{?rhel} < 9
Requires: libcgroup
%endif

%description
A toy engine package with the layout of docker-ce.

%prep
%setup -q -c -n src -a 0

%build
export DOCKER_GITCOMMIT=%{_gitcommit_engine}
mkdir -p /go/src/github.com/docker
ln -snf \${RPM_BUILD_DIR}/src/engine /go/src/github.com/docker/docker
pushd \${RPM_BUILD_DIR}/src/engine
TMP_GOPATH="/go" hack/dockerfile/install/install.sh tini
VERSION=%{_origversion} hack/make.sh dynbinary
popd
make -C \${RPM_BUILD_DIR}/src/engine/man

%check
ver="$(engine/bundles/dynbinary-daemon/dockerd --version)"; \\
    test "$ver" = "Docker version %{_origversion}, build %{_gitcommit_engine}" && echo "PASS: daemon version OK" || (echo "FAIL: daemon version ($ver)" && exit 1)

%install
install -D -p -m 0755 engine/bundles/dynbinary-daemon/dockerd \${RPM_BUILD_ROOT}%{_bindir}/dockerd
install -D -p -m 0755 engine/bundles/dynbinary-daemon/docker-proxy \${RPM_BUILD_ROOT}%{_bindir}/docker-proxy
install -D -p -m 0755 /usr/local/bin/docker-init \${RPM_BUILD_ROOT}%{_libexecdir}/docker/docker-init
install -D -p -m 0644 engine/contrib/init/systemd/docker.service \${RPM_BUILD_ROOT}%{_unitdir}/docker.service
install -D -p -m 0644 engine/contrib/init/systemd/docker.socket \${RPM_BUILD_ROOT}%{_unitdir}/docker.socket
make -C \${RPM_BUILD_DIR}/src/engine/man DESTDIR=\${RPM_BUILD_ROOT} mandir=%{_mandir} install
mkdir -p \${RPM_BUILD_ROOT}/etc/docker

%files
%{_bindir}/dockerd
%{_bindir}/docker-proxy
%{_libexecdir}/docker/docker-init
%{_unitdir}/docker.service
%{_unitdir}/docker.socket
%{_mandir}/man*/*
%dir /etc/docker

%post
%systemd_post docker.service

%preun
%systemd_preun docker.service docker.socket

%postun
%systemd_postun_with_restart docker.service

%changelog
`;

export async function makeToyEngine(tag = 'v28.5.2'): Promise<string> {
  const dir = await makeRepo(toyEngineFiles(), tag);
  execFileSync('chmod', ['+x', `${dir}/hack/make.sh`, `${dir}/hack/dockerfile/install/install.sh`]);
  gitSync(dir, 'commit', '-q', '-a', '-m', 'executable scripts');
  return dir;
}

export async function makeToyPackaging(branch = '28.x'): Promise<string> {
  const dir = await makeRepo({
    'rpm/SPECS/docker-ce.spec': TOY_SPEC,
    'rpm/Makefile': 'centos-9:\n\t@echo toy\n',
    'rpm/centos-9/Dockerfile': 'FROM scratch\n',
    'rpm/fedora-41/Dockerfile': 'FROM scratch\n',
    'common.mk': 'GO_VERSION:=1.24.9\n',
    'distros.json': JSON.stringify({ 'centos-9': { image: 'quay.io/centos/centos:stream9' } }),
  });
  gitSync(dir, 'branch', '-m', branch);
  return dir;
}

/** Why a suite that runs rpmbuild in the sandbox cannot run here, or undefined when it can. */
export function nativeSkipReason(): string | undefined {
  for (const tool of ['rpmbuild', 'rpm2archive', 'unshare']) if (!onPath(tool)) return `${tool} is not installed (apt-get install rpm rpm2cpio util-linux)`;
  if (!onPath('go')) return 'go is not on PATH (the native flow checks its version against the tree)';
  if (process.getuid?.() !== 0) return 'not root (the sandbox needs a private mount namespace)';
  return undefined;
}

export const TINI_STATIC = existsSync('/usr/bin/tini-static') ? '/usr/bin/tini-static' : '/bin/true';
