/**
 * extra-storage (DESIGN §5): the store must be a real directory of its own, never the engine's own
 * layer data, and a device needs its filesystem type (and the other way round) in the form mount expects.
 * Which image store serves it is rules-image-store.ts's.
 */
import { posix } from 'node:path';
import { isObject } from './value.ts';
import { issue, type Rule, type RuleIssue } from './rule-kit.ts';

const BLOCK_TYPES = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'erofs', 'squashfs', 'f2fs', 'vfat']);
const NFS_TYPES = new Set(['nfs', 'nfs4']);

const pathRule: Rule = ({ config, dataRoot }) => {
  const es = config['extra-storage'];
  // An empty path means the default, as in the engine.
  if (!isObject(es) || typeof es.path !== 'string' || es.path === '') return [];
  const p = '/extra-storage/path';
  const path = es.path;
  if (!posix.isAbsolute(path)) return [issue(p, 'extra-storage-path', `path must be absolute (start with "/"), got ${JSON.stringify(path)}`)];
  const clean = posix.normalize(path).replace(/\/+$/, '') || '/';
  if (clean === '/') return [issue(p, 'extra-storage-path', 'path must not be "/": the store needs a directory of its own')];
  const root = posix.normalize(dataRoot).replace(/\/+$/, '') || '/';
  if (clean === root) return [issue(p, 'extra-storage-path', `path is the data-root (${root}); the store must be a separate directory, e.g. ${root}/extra`)];
  for (const own of ['image', 'overlay2']) {
    const dir = posix.join(root, own);
    if (clean === dir || clean.startsWith(dir + '/')) {
      return [issue(p, 'extra-storage-path', `path is inside the engine's own ${dir}; the engine writes there, use a separate directory such as ${root}/extra`)];
    }
  }
  return [];
};

const deviceRule: Rule = ({ config }) => {
  const es = config['extra-storage'];
  if (!isObject(es)) return [];
  // The engine treats an empty string as unset.
  const device = typeof es.device === 'string' && es.device !== '' ? es.device : undefined;
  const type = typeof es.type === 'string' && es.type !== '' ? es.type : undefined;
  const out: RuleIssue[] = [];
  if (device !== undefined && type === undefined) out.push(issue('/extra-storage/device', 'extra-storage-device-type', 'device needs "type" too (e.g. "nfs" or "ext4"), so that dockerd can mount it', 'error', 'key'));
  if (type !== undefined && device === undefined) out.push(issue('/extra-storage/type', 'extra-storage-device-type', 'type needs "device" too: what should be mounted?', 'error', 'key'));
  if (typeof es.options === 'string' && es.options !== '' && device === undefined) {
    out.push(issue('/extra-storage/options', 'extra-storage-options', 'options are mount options: they need "device" and "type" (a store that is already mounted needs none)', 'error', 'key'));
  }
  if (device === undefined || type === undefined) return out;
  // A disk filesystem is mounted from a block device or an image file, which dockerd attaches to a loop device itself.
  if (BLOCK_TYPES.has(type) && !device.startsWith('/')) {
    out.push(issue('/extra-storage/device', 'extra-storage-device', `type ${type} is mounted from a block device (/dev/...) or an image file (an absolute path), got ${JSON.stringify(device)}`));
  }
  if (BLOCK_TYPES.has(type)) out.push(...imageRules(device, type, typeof es.options === 'string' ? es.options : ''));
  // host:/export, where host may be a bracketed IPv6 address as mount.nfs takes it.
  if (NFS_TYPES.has(type) && !/^(?:\[[0-9A-Fa-f:.%\w]+\]|[^\s:/\[][^\s:]*):\/\S*$/.test(device)) {
    out.push(issue('/extra-storage/device', 'extra-storage-device', `an ${type} device is host:/export (e.g. nfs.example:/exports/docker), got ${JSON.stringify(device)}`));
  }
  return out;
};

/** What a file name says the image is: `store pack`'s formats and their usual suffixes. */
const IMAGE_SUFFIXES: Record<string, string> = { erofs: 'erofs', ext4: 'ext4', squashfs: 'squashfs', sqfs: 'squashfs', sfs: 'squashfs' };

/**
 * An image file as device: dockerd attaches it to a loop device itself and mounts that with mount(2),
 * which knows no "loop" option (the filesystem refuses it, and the store stays unmounted); and a name
 * that says another format than type is most likely a mix-up the mount would refuse.
 */
function imageRules(device: string, type: string, options: string): RuleIssue[] {
  const out: RuleIssue[] = [];
  if (options.split(',').some((o) => /^loop(?:=|$)/.test(o.trim()))) {
    out.push(issue('/extra-storage/options', 'extra-storage-options', `remove "loop" from options: dockerd attaches a ${type} image file to a loop device itself, and mount(2) does not know the option`));
  }
  const named = IMAGE_SUFFIXES[/\.([a-z0-9]+)$/i.exec(device)?.[1]?.toLowerCase() ?? ''];
  if (named !== undefined && named !== type) {
    out.push(issue('/extra-storage/type', 'extra-storage-device', `device ${device} is named as a ${named} image but type is ${type}; set "type": "${named}" if it is one (npm run store -- pack --format ${named} makes it)`, 'warning'));
  }
  return out;
}

export const extraStorageRules: readonly Rule[] = [pathRule, deviceRule];
