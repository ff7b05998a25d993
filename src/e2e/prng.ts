/**
 * Deterministic pseudo-random bytes: the AES-128-CTR keystream under a key derived from a seed. It
 * runs at memory speed (64 MiB in well under a second) and the same seed always gives the same bytes,
 * so the large test file's sha256 is known before any container reads it.
 */
import { createCipheriv, createHash } from 'node:crypto';

export function* pseudoRandomChunks(seed: string, length: number, chunkSize = 1 << 20): Generator<Buffer> {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  const zeros = Buffer.alloc(chunkSize);
  for (let done = 0; done < length; done += chunkSize) {
    const size = Math.min(chunkSize, length - done);
    yield cipher.update(size === chunkSize ? zeros : zeros.subarray(0, size));
  }
}

export function pseudoRandomSha256(seed: string, length: number): string {
  const hash = createHash('sha256');
  for (const chunk of pseudoRandomChunks(seed, length)) hash.update(chunk);
  return hash.digest('hex');
}
