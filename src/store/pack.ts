/**
 * `store pack`'s plan, as data: which Debian tool makes each format's image and with which flags,
 * how large an ext4 image must be for a store of a given usage, and the errors a pack can end with.
 * src/store/pack-image.ts runs the plan. The three tools keep what a store needs (checked by
 * test/store/pack-real.test.ts on a mounted image): whiteouts (0/0 character devices), the
 * overlay xattrs of opaque directories (trusted.overlay.* and user.overlay.*, we run as root),
 * hardlinks, symlinks, owners, modes and mtimes.
 */
import { UserError } from '../errors.ts';
import type { StoreFinding } from './finding.ts';

export const PACK_FORMATS = ['erofs', 'ext4', 'squashfs'] as const;
export type PackFormat = (typeof PACK_FORMATS)[number];

export function isPackFormat(value: string): value is PackFormat {
  return (PACK_FORMATS as readonly string[]).includes(value);
}

/** The Debian package that has each format's tool, for the message when it is missing. */
export const PACK_TOOLS: Record<PackFormat, { tool: string; apt: string }> = {
  erofs: { tool: 'mkfs.erofs', apt: 'erofs-utils' },
  ext4: { tool: 'mkfs.ext4', apt: 'e2fsprogs' },
  squashfs: { tool: 'mksquashfs', apt: 'squashfs-tools' },
};

/** What the walk of the store found: its allocated bytes (as du counts them) and its entries. */
export interface StoreUsage {
  bytes: number;
  entries: number;
}

export interface ToolCall {
  command: string;
  args: string[];
}

const MiB = 2 ** 20;
const EXT4_BLOCK = 4096;
const EXT4_INODE = 256;

/**
 * An ext4 image roomy enough for the store: its blocks, a tenth more for directories and extent
 * trees, the inode tables, and 16 MiB for the rest. The image is shrunk to its contents after
 * (resize2fs -M), so being generous here costs time, not space.
 */
export function ext4Geometry(usage: StoreUsage): { bytes: number; inodes: number } {
  const inodes = Math.ceil(usage.entries * 1.1) + 64;
  const raw = usage.bytes * 1.1 + inodes * EXT4_INODE + 16 * MiB;
  return { bytes: Math.ceil(raw / EXT4_BLOCK) * EXT4_BLOCK, inodes };
}

/** The tool call that writes the image of `dir` to `out` (a new file). */
export function mkfsCall(format: PackFormat, dir: string, out: string, usage: StoreUsage): ToolCall {
  switch (format) {
    case 'erofs':
      // Uncompressed: layers are mostly compressed data already, and the engine reads files in place.
      return { command: 'mkfs.erofs', args: ['--quiet', '--preserve-mtime', out, dir] };
    case 'squashfs':
      return { command: 'mksquashfs', args: [dir, out, '-noappend', '-xattrs', '-no-progress', '-quiet'] };
    case 'ext4': {
      const g = ext4Geometry(usage);
      // No journal and no reserved blocks: the image is only ever mounted read-only.
      const args = ['-q', '-F', '-t', 'ext4', '-b', String(EXT4_BLOCK), '-I', String(EXT4_INODE), '-O', '^has_journal', '-m', '0'];
      return { command: 'mkfs.ext4', args: [...args, '-N', String(g.inodes), '-L', 'extra-store', '-d', dir, out, `${g.bytes / 1024}k`] };
    }
  }
}

/** The ext4 image's size once resize2fs -M shrank it, from `dumpe2fs -h`. */
export function ext4SizeFrom(dumpe2fs: string): number | undefined {
  const count = /^Block count:\s+(\d+)$/m.exec(dumpe2fs)?.[1];
  const size = /^Block size:\s+(\d+)$/m.exec(dumpe2fs)?.[1];
  return count && size ? Number(count) * Number(size) : undefined;
}

/** The temp file the image is written to, next to FILE, renamed to FILE at the end. */
export function tempImagePath(out: string, nonce: string): string {
  const slash = out.lastIndexOf('/');
  return `${out.slice(0, slash + 1)}.${out.slice(slash + 1)}.pack-${nonce}`;
}

/** The store fails `store check`: an image of it would not pull either. */
export class StoreNotCleanError extends UserError {
  constructor(
    readonly store: string,
    readonly findings: readonly StoreFinding[],
  ) {
    super(`store pack: ${store} fails store check (${findings.length} problem${findings.length === 1 ? '' : 's'}); fix them (npm run store -- check ${store}) and pack again`);
    this.name = 'StoreNotCleanError';
  }
  override detailLines(): readonly string[] {
    const shown = this.findings.slice(0, 10).map((f) => `${f.path}  ${f.rule}: ${f.message}`);
    return this.findings.length > 10 ? [...shown, `… and ${this.findings.length - 10} more`] : shown;
  }
}
