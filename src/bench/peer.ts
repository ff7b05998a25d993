/**
 * A peer: another way to get the benchmark's image to a first output (Podman's additional image
 * stores, stargz lazy pulling), measured in the same run as the extra pull so that the numbers sit
 * side by side. A peer that cannot run here says exactly why instead of leaving a hole.
 */
import type { BuiltImage } from '../e2e/build-image.ts';
import type { Teardown } from '../e2e/teardown.ts';

export interface PeerInput {
  /** The generated image as a `docker save` archive, with its ref and layer digests. */
  image: BuiltImage;
  /** A private directory for the peer's state; the caller removes it. */
  work: string;
  logDir: string;
  runs: number;
  /** The loopback registry already holding the image (pushed by the registry column). */
  registry?: { address: string; ref: string };
  /** The probe every column times: the command whose first line of output ends a run. */
  probe: readonly string[];
  teardown: Teardown;
  signal: AbortSignal;
  note(text: string): void;
}

export interface PeerSample {
  /** The pull step, where the peer has one (stargz: the lazy pull; Podman's store: none). */
  pullMs?: number;
  /** First output with the page cache dropped and the peer's store remounted. */
  coldFirstOutputMs: number;
  warmFirstOutputMs: number;
  /** Bytes read from the block device holding the peer's store during the cold run. */
  deviceBytesRead?: number;
}

export type PeerResult =
  | { peer: string; what: string; versions: Record<string, string>; samples: PeerSample[]; error?: string }
  | { peer: string; what: string; skipped: string };

export interface Peer {
  name: string;
  measure(input: PeerInput): Promise<PeerResult>;
}
