/**
 * The build folder (--out, default dist/rpm). Everything `rpm` writes lives under it: the staged
 * trees, rpmbuild's topdir, logs, the Go build cache and the sandbox's mount points.
 */
import { join, resolve } from 'node:path';

export interface BuildLayout {
  out: string;
  /** Parent of the staged engine/ (engine.tgz's top folder) and of the staged packaging copy. */
  stage: string;
  engine: string;
  packaging: string;
  /** rpmbuild's %_topdir. */
  topdir: string;
  sources: string;
  specs: string;
  rpms: string;
  srpms: string;
  log: string;
  /** go mod vendor of extra-snapshotter's sources. */
  snapshotterLog: string;
  /** Kept between runs so a second build recompiles only what changed. */
  goCache: string;
  tmp: string;
  /** Mount points of the private namespace (empty on the host). */
  sandbox: string;
  /** Where the verification extracts the payload of each RPM. */
  extract: string;
}

export function buildLayout(out: string, cwd: string): BuildLayout {
  const root = resolve(cwd, out);
  const topdir = join(root, 'rpmbuild');
  return {
    out: root,
    stage: join(root, 'stage'),
    engine: join(root, 'stage', 'engine'),
    packaging: join(root, 'stage', 'packaging'),
    topdir,
    sources: join(topdir, 'SOURCES'),
    specs: join(topdir, 'SPECS'),
    rpms: join(topdir, 'RPMS'),
    srpms: join(topdir, 'SRPMS'),
    log: join(root, 'logs', 'rpmbuild.log'),
    snapshotterLog: join(root, 'logs', 'snapshotter-vendor.log'),
    goCache: join(root, 'cache', 'go-build'),
    tmp: join(root, 'tmp'),
    sandbox: join(root, 'sandbox'),
    extract: join(root, 'extract'),
  };
}
