/**
 * The test image, as data: which entries each layer holds and what a container must then see. The
 * layers exercise what a layer store can get wrong: a file deleted in an upper layer (whiteout), an
 * opaque directory, a hardlink, symlinks, a changed file and a large file of known digest.
 */
import { pseudoRandomSha256 } from './prng.ts';
import { sha256 } from '../digest.ts';

export type LayerEntry =
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'file'; path: string; text: string; mode: number }
  /** A file copied from the host (the static busybox). */
  | { kind: 'copy'; path: string; from: string; mode: number }
  | { kind: 'random'; path: string; seed: string; size: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'hardlink'; path: string; target: string }
  /** `.wh.NAME`: deletes path from the layers below. */
  | { kind: 'whiteout'; path: string }
  /** `.wh..wh..opq`: hides everything the layers below have in dir. */
  | { kind: 'opaque'; dir: string };

export type Expectation =
  | { kind: 'sha256'; path: string; sha256: string; what: string }
  | { kind: 'absent'; path: string }
  | { kind: 'listing'; dir: string; names: readonly string[] }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'hardlink'; path: string; other: string };

export interface ImageSpec {
  repo: string;
  tag: string;
  layers: readonly (readonly LayerEntry[])[];
  expectations: readonly Expectation[];
}

export interface ImageOptions {
  repo?: string;
  tag?: string;
  busybox: string;
  busyboxSha256: string;
  bigFileSize?: number;
  seed?: string;
}

/** The applets the checks call; each is a symlink to busybox, as Debian's busybox-static expects. */
export const APPLETS = ['sh', 'cat', 'ls', 'readlink', 'stat', 'sha256sum', 'head', 'true', 'echo'] as const;


export function testImageSpec(options: ImageOptions): ImageSpec {
  const bigSize = options.bigFileSize ?? 64 * 1024 * 1024;
  const seed = options.seed ?? 'dockerd-extra-e2e';
  const base: LayerEntry[] = [
    { kind: 'dir', path: 'bin', mode: 0o755 },
    { kind: 'dir', path: 'etc', mode: 0o755 },
    { kind: 'dir', path: 'tmp', mode: 0o1777 },
    { kind: 'copy', path: 'bin/busybox', from: options.busybox, mode: 0o755 },
    ...APPLETS.map((name): LayerEntry => ({ kind: 'symlink', path: `bin/${name}`, target: 'busybox' })),
    { kind: 'file', path: 'etc/passwd', text: 'root:x:0:0:root:/:/bin/sh\n', mode: 0o644 },
    { kind: 'file', path: 'data/keep.txt', text: 'kept from layer 1\n', mode: 0o644 },
    { kind: 'file', path: 'data/changed.txt', text: 'version 1\n', mode: 0o644 },
    { kind: 'file', path: 'data/gone.txt', text: 'deleted by layer 3\n', mode: 0o644 },
    { kind: 'file', path: 'data/opaque/lower-a.txt', text: 'hidden by the opaque dir\n', mode: 0o644 },
    { kind: 'file', path: 'data/opaque/lower-b.txt', text: 'hidden too\n', mode: 0o644 },
  ];
  const payload: LayerEntry[] = [
    { kind: 'random', path: 'data/big.bin', seed, size: bigSize },
    { kind: 'file', path: 'data/link-target.txt', text: 'one inode, two names\n', mode: 0o644 },
    { kind: 'hardlink', path: 'data/hard.txt', target: 'data/link-target.txt' },
    { kind: 'symlink', path: 'data/sym', target: 'link-target.txt' },
    { kind: 'symlink', path: 'data/abs-sym', target: '/data/keep.txt' },
  ];
  const top: LayerEntry[] = [
    { kind: 'whiteout', path: 'data/gone.txt' },
    { kind: 'opaque', dir: 'data/opaque' },
    { kind: 'file', path: 'data/opaque/upper.txt', text: 'only the upper layer\n', mode: 0o644 },
    { kind: 'file', path: 'data/changed.txt', text: 'version 3\n', mode: 0o644 },
  ];
  const expectations: Expectation[] = [
    { kind: 'sha256', path: '/bin/busybox', sha256: options.busyboxSha256, what: 'busybox binary' },
    { kind: 'sha256', path: '/data/keep.txt', sha256: sha256('kept from layer 1\n'), what: 'lower file' },
    { kind: 'sha256', path: '/data/changed.txt', sha256: sha256('version 3\n'), what: 'upper version' },
    { kind: 'absent', path: '/data/gone.txt' },
    { kind: 'listing', dir: '/data/opaque', names: ['upper.txt'] },
    { kind: 'absent', path: '/data/opaque/lower-a.txt' },
    { kind: 'hardlink', path: '/data/hard.txt', other: '/data/link-target.txt' },
    { kind: 'sha256', path: '/data/hard.txt', sha256: sha256('one inode, two names\n'), what: 'hardlink content' },
    { kind: 'symlink', path: '/data/sym', target: 'link-target.txt' },
    { kind: 'sha256', path: '/data/sym', sha256: sha256('one inode, two names\n'), what: 'read through symlink' },
    { kind: 'symlink', path: '/data/abs-sym', target: '/data/keep.txt' },
    { kind: 'sha256', path: '/data/big.bin', sha256: pseudoRandomSha256(seed, bigSize), what: `${bigSize}-byte file` },
  ];
  return {
    // A loopback registry where nothing listens: every pull the store does not serve is refused at
    // once on this machine, and no name is ever looked up beyond it.
    repo: options.repo ?? '127.0.0.1:9/e2e/busybox',
    tag: options.tag ?? 'v1',
    layers: [base, payload, top],
    expectations,
  };
}
