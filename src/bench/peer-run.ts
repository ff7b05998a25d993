/**
 * Running one peer column: whatever it throws becomes its result's error, so a broken peer shows as
 * a failed column beside the others instead of ending the run and losing every other number.
 */
import { errorText } from '../e2e/context.ts';
import type { Peer, PeerInput, PeerResult } from './peer.ts';

export async function measurePeer(peer: Peer, input: PeerInput): Promise<PeerResult> {
  try {
    return await peer.measure(input);
  } catch (error) {
    return { peer: peer.name, what: peer.name, versions: {}, samples: [], error: errorText(error).slice(0, 300) };
  }
}
