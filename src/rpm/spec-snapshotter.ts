/**
 * The docker-ce-extra-snapshotter sub-package, as hooks into docker-ce.spec (applied by spec.ts).
 * A sub-package, not more files in docker-ce: only hosts on the containerd image store with extra
 * storage want it, and its drop-in makes containerd start a root daemon with CAP_SYS_ADMIN, which
 * no graphdriver host should get by installing docker-ce. Built from the same SRPM, so it always
 * matches the engine it serves. Its sources are SOURCES/extra-snapshotter.tgz (snapshotter-source.ts):
 * the module with its dependencies vendored, built by its own Makefile with no network.
 */
import type { SpecHook } from './spec.ts';

export const SNAPSHOTTER_SOURCE = 'extra-snapshotter.tgz';
/** The archive's top folder; the Go module is its snapshotter/, the engine code it copies is in full/. */
export const SNAPSHOTTER_TOP = 'extra-snapshotter';
export const SNAPSHOTTER_PACKAGE = 'docker-ce-extra-snapshotter';
/** What the sub-package installs. */
export const SNAPSHOTTER_FILES = [
  '/usr/bin/extra-snapshotter',
  '/usr/lib/systemd/system/extra-snapshotter.service',
  '/usr/lib/systemd/system/containerd.service.d/extra-snapshotter.conf',
] as const;

const MODULE = `${SNAPSHOTTER_TOP}/snapshotter`;

export const SNAPSHOTTER_HOOKS: readonly SpecHook[] = [
  { anchor: 'Source1: daemon.json.extra-storage.example', where: 'after', add: [`Source2: ${SNAPSHOTTER_SOURCE}`] },
  {
    anchor: '%prep',
    where: 'before',
    add: [
      '%package extra-snapshotter',
      "Summary: containerd snapshotter serving dockerd's extra storage to the containerd image store",
      // The store's rules are the engine's own code, copied at build time: same build, same rules.
      'Requires: docker-ce = %{epoch}:%{version}-%{release}',
      'Requires: containerd.io',
      'Requires: systemd',
      '',
      '%description extra-snapshotter',
      'extra-snapshotter is a containerd proxy snapshotter ([proxy_plugins.extra]) for Docker\'s',
      "containerd image store: containerd's overlayfs snapshotter, plus the layers of dockerd's",
      'extra storage served as read-only snapshots, with no byte copied. Use it with',
      '"storage-driver": "extra" in /etc/docker/daemon.json. containerd starts it (drop-in).',
      '',
    ],
  },
  { anchor: '%setup -q -c -n src -a 0', where: 'after', add: ['%setup -q -T -D -n src -a 2'] },
  {
    anchor: 'make -C ${RPM_BUILD_DIR}/src/engine/man',
    where: 'after',
    add: [
      '# extra-snapshotter: its own Go module, dependencies vendored in its archive (no network here)',
      `GOTOOLCHAIN=local GOFLAGS="-mod=vendor -trimpath -buildvcs=false" make -C \${RPM_BUILD_DIR}/src/${MODULE} build`,
    ],
  },
  {
    anchor: '%check',
    where: 'after',
    add: [
      `${MODULE}/bin/extra-snapshotter --help 2>&1 | grep -qF '[proxy_plugins.extra]' && echo "PASS: extra-snapshotter --help OK" || (echo "FAIL: extra-snapshotter --help" && exit 1)`,
    ],
  },
  {
    anchor: 'install -D -p -m 0644 engine/contrib/init/systemd/docker.socket ${RPM_BUILD_ROOT}%{_unitdir}/docker.socket',
    where: 'after',
    add: [
      `install -D -p -m 0755 ${MODULE}/bin/extra-snapshotter \${RPM_BUILD_ROOT}%{_bindir}/extra-snapshotter`,
      `install -D -p -m 0644 ${MODULE}/systemd/extra-snapshotter.service \${RPM_BUILD_ROOT}%{_unitdir}/extra-snapshotter.service`,
      `install -D -p -m 0644 ${MODULE}/systemd/containerd.service.d/extra-snapshotter.conf \${RPM_BUILD_ROOT}%{_unitdir}/containerd.service.d/extra-snapshotter.conf`,
    ],
  },
  {
    anchor: '%changelog',
    where: 'before',
    add: [
      '%files extra-snapshotter',
      '%{_bindir}/extra-snapshotter',
      '%{_unitdir}/extra-snapshotter.service',
      '%dir %{_unitdir}/containerd.service.d',
      '%{_unitdir}/containerd.service.d/extra-snapshotter.conf',
      '',
      '%post extra-snapshotter',
      '%systemd_post extra-snapshotter.service',
      '',
      '%preun extra-snapshotter',
      '%systemd_preun extra-snapshotter.service',
      '',
      '%postun extra-snapshotter',
      '%systemd_postun_with_restart extra-snapshotter.service',
      '',
    ],
  },
];
