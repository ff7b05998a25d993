/** The peer columns of the benchmark, in the order their columns are shown. */
import type { Peer } from '../peer.ts';
import { podmanPeer } from './podman.ts';
import { stargzPeer } from './stargz.ts';

export const PEERS: readonly Peer[] = [podmanPeer, stargzPeer];
