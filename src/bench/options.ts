/**
 * bench's flags turned into a plan, or a UsageError naming the flag: sizes, layers, runs, --quick's
 * defaults, the fleet size, and --readme (write the README's section from a record, measure nothing).
 */
import { UsageError } from '../errors.ts';

export interface RunPlan {
  kind: 'run';
  sizes: number[];
  layers: number;
  runs: number;
  fleet: number;
  quick: boolean;
  /** Names of the peer columns to measure (src/bench/peers/). */
  peers: string[];
}

export interface ReadmePlan {
  kind: 'readme';
}

export interface BenchFlags {
  dockerd?: string;
  sizes?: string;
  layers?: string;
  runs?: string;
  quick?: boolean;
  fleet?: string;
  peers?: string;
  readme?: boolean;
}

const MIB = 1024 ** 2;
export const QUICK = { size: 64 * MIB, runs: 3 } as const;

/** "64M", "1G", "512K" or plain bytes → bytes. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { '': 1, K: 1024, M: MIB, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

export function parseSizes(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  const sizes = parts.map(parseSize);
  const bad = parts.filter((_, i) => sizes[i] === undefined || sizes[i]! < MIB || sizes[i]! > 16 * 1024 ** 3);
  if (parts.length === 0 || bad.length) throw new UsageError(`--sizes takes sizes from 1M to 16G, comma-separated, such as 64M,1G (got "${text}")`);
  const unique = [...new Set(sizes as number[])].sort((a, b) => a - b);
  return unique;
}

function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${text}")`);
  return n;
}

/**
 * --peers LIST, "all" or "none". By default every peer runs, except with --quick: a peer's set-up
 * (a Podman store, an eStargz conversion) alone takes longer than a quick run is meant to.
 */
export function parsePeers(text: string | undefined, known: readonly string[], quick: boolean): string[] {
  if (text === undefined) return quick ? [] : [...known];
  const value = text.trim();
  if (value === 'all') return [...known];
  if (value === 'none') return [];
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length) throw new UsageError(`--peers takes all, none or a comma-separated list of ${known.join(', ')} (got "${text}")`);
  return [...new Set(names)];
}

export function planBench(flags: BenchFlags, knownPeers: readonly string[] = []): RunPlan | ReadmePlan {
  if (flags.readme) {
    const others = (['dockerd', 'sizes', 'layers', 'runs', 'quick', 'fleet', 'peers'] as const).filter((k) => flags[k] !== undefined);
    if (others.length) throw new UsageError(`--readme only writes the README from the latest record; it takes no --${others[0]}`);
    return { kind: 'readme' };
  }
  if (!flags.dockerd) throw new UsageError('bench needs --dockerd PATH (a patched dockerd, e.g. the one build-dockerd wrote to dist/)');
  if (flags.quick && (flags.sizes !== undefined || flags.runs !== undefined)) {
    throw new UsageError(`--quick means --sizes 64M --runs ${QUICK.runs}; give either --quick or --sizes/--runs`);
  }
  return {
    kind: 'run',
    sizes: flags.quick ? [QUICK.size] : parseSizes(flags.sizes ?? '64M,1G'),
    layers: wholeNumber('layers', flags.layers, 10, 2, 100),
    runs: flags.quick ? QUICK.runs : wholeNumber('runs', flags.runs, 5, 1, 100),
    fleet: wholeNumber('fleet', flags.fleet, 0, 0, 32),
    quick: flags.quick === true,
    peers: parsePeers(flags.peers, knownPeers, flags.quick === true),
  };
}
