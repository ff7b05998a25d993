/**
 * extra-storage and the image store (DESIGN §5, issue 15). The graphdriver store links the store's
 * layers itself; the containerd image store (v29's default) gets them from extra-snapshotter, a
 * containerd proxy snapshotter that "storage-driver" must name. Which store a file selects is read as
 * docker-v29.7.2's daemon/image_store_choice.go reads it, without the host's part ($DOCKER_DRIVER, an
 * existing data-root), which the warning names instead.
 */
import { isObject } from './value.ts';
import { issue, str, type Rule, type RuleContext, type RuleIssue } from './rule-kit.ts';
import { assertNever } from '../errors.ts';

/** The proxy plugin name the README and the packages use ([proxy_plugins.extra]). */
export const EXTRA_SNAPSHOTTER = 'extra';

/** Snapshotters containerd builds in: none serves the store's layers (dockerd refuses them with extra-storage). */
const CONTAINERD_SNAPSHOTTERS = new Set(['overlayfs', 'native', 'btrfs', 'zfs', 'devmapper', 'blockfile', 'erofs', 'aufs', 'windows']);

/** The graph drivers dockerd v29 registers on Linux (daemon/graphdriver/register). */
const GRAPH_DRIVERS = new Set(['overlay2', 'fuse-overlayfs', 'btrfs', 'zfs', 'vfs']);

/** What selects the store: the file pins it, or the data-root decides (v29 without "containerd-snapshotter"). */
type StoreChoice =
  | { store: 'containerd' }
  | { store: 'graphdriver'; because: string }
  | { store: 'data-root decides' };

const FIX = `run extra-snapshotter, declare it to containerd ([proxy_plugins.${EXTRA_SNAPSHOTTER}] type = "snapshot" in /etc/containerd/config.toml) and set "storage-driver": "${EXTRA_SNAPSHOTTER}"`;

export function storeChoice({ config, line }: Pick<RuleContext, 'config' | 'line'>): StoreChoice {
  const features = isObject(config.features) ? config.features : {};
  const pinned = features['containerd-snapshotter'];
  if (pinned === true) return { store: 'containerd' };
  if (pinned === false) return { store: 'graphdriver', because: '"containerd-snapshotter": false' };
  if (line === 'v28') return { store: 'graphdriver', because: 'v28 uses it unless "containerd-snapshotter" is true' };
  // daemon/command/daemon_linux.go: user namespaces turn the default containerd store off.
  if (str(config, 'userns-remap')) return { store: 'graphdriver', because: 'userns-remap turns the containerd store off' };
  const driver = str(config, 'storage-driver') ?? '';
  if (GRAPH_DRIVERS.has(driver)) return { store: 'graphdriver', because: `"storage-driver": "${driver}" is a graph driver` };
  return { store: 'data-root decides' };
}

const imageStoreRule: Rule = (ctx) => {
  if (!isObject(ctx.config['extra-storage'])) return [];
  const choice = storeChoice(ctx);
  const driver = str(ctx.config, 'storage-driver') ?? '';
  switch (choice.store) {
    case 'containerd':
      return ctx.line === 'v28' ? [onV28()] : onContainerd(driver);
    case 'graphdriver':
      return driver === EXTRA_SNAPSHOTTER ? [extraAsGraphDriver(ctx.line, choice.because)] : [];
    case 'data-root decides':
      return dataRootDecides(driver);
    default:
      return assertNever(choice);
  }
};

function onV28(): RuleIssue {
  return issue('/features/containerd-snapshotter', 'extra-storage-snapshotter', 'extra-storage needs the graphdriver image store on v28 (its containerd store cannot use extra-snapshotter, Docker 29 can): set "containerd-snapshotter": false or remove extra-storage');
}

function onContainerd(driver: string): RuleIssue[] {
  const otherwise = 'or set "containerd-snapshotter": false for the graphdriver store';
  if (driver === '') {
    return [issue('/features/containerd-snapshotter', 'extra-storage-snapshotter', `extra-storage on the containerd image store needs extra-snapshotter, and no "storage-driver" names it, so dockerd refuses to start: ${FIX}; ${otherwise}`)];
  }
  const why = CONTAINERD_SNAPSHOTTERS.has(driver)
    ? `containerd's own ${driver} snapshotter cannot serve the store's layers, so dockerd refuses to start with extra-storage`
    : GRAPH_DRIVERS.has(driver) ? `"${driver}" is a graph driver, which the containerd image store does not use (dockerd finds no snapshotter of that name and refuses to start)` : undefined;
  if (why === undefined) return []; // "extra", or a proxy plugin declared under another name
  return [issue('/storage-driver', 'extra-storage-snapshotter', `${why}: ${FIX}; ${otherwise}`)];
}

function extraAsGraphDriver(line: RuleContext['line'], because: string): RuleIssue {
  const instead = line === 'v28' ? 'remove "storage-driver" (v28 has no extra-snapshotter)' : 'remove "storage-driver", or set "containerd-snapshotter": true to use the containerd image store with extra-snapshotter';
  return issue('/storage-driver', 'extra-storage-snapshotter', `"${EXTRA_SNAPSHOTTER}" names extra-snapshotter, a containerd snapshotter, but this file selects the graphdriver image store (${because}), where it is no graph driver and dockerd refuses to start: ${instead}`);
}

/** v29 without "containerd-snapshotter": an existing graphdriver data-root stays one, a fresh one becomes a containerd store. */
function dataRootDecides(driver: string): RuleIssue[] {
  if (driver === '') {
    return [issue('/extra-storage', 'extra-storage-image-store', `without "containerd-snapshotter" in "features" the data-root decides the image store: an existing graphdriver data-root stays on the graphdriver store; a fresh one becomes a containerd image store, where dockerd refuses to start with extra-storage and no "storage-driver": "${EXTRA_SNAPSHOTTER}". Pin it: "features": {"containerd-snapshotter": false} for the graphdriver store, or true to ${FIX}`, 'warning', 'key')];
  }
  if (CONTAINERD_SNAPSHOTTERS.has(driver)) {
    return [issue('/storage-driver', 'extra-storage-snapshotter', `dockerd refuses to start with "${driver}" and extra-storage on any data-root: on an existing graphdriver one "${driver}" is no graph driver; on a fresh one (a containerd image store) containerd's own ${driver} snapshotter cannot serve the store's layers. With "features": {"containerd-snapshotter": true}, ${FIX}`)];
  }
  return [issue('/storage-driver', 'extra-storage-image-store', `without "containerd-snapshotter" in "features" the data-root decides the image store: a fresh one becomes a containerd image store using "${driver}", but an existing graphdriver data-root stays on the graphdriver store, where dockerd fails to start ("${driver}" is no graph driver). Pin the containerd store: "features": {"containerd-snapshotter": true}`, 'warning')];
}

/** v29 migrates a graphdriver data-root to the containerd store at start; the engine refuses that with extra-storage. */
const migrationRule: Rule = ({ config, line }) => {
  const features = config.features;
  if (line === 'v28' || !isObject(config['extra-storage']) || !isObject(features) || features['containerd-migration'] !== true) return [];
  return [issue('/features/containerd-migration', 'extra-storage-migration', '"containerd-migration" may move this daemon to the containerd image store at start, and dockerd refuses it with extra-storage: remove "containerd-migration" from "features" (for the containerd store, set "containerd-snapshotter": true with extra-snapshotter instead) or remove extra-storage')];
};

export const imageStoreRules: readonly Rule[] = [imageStoreRule, migrationRule];
