/**
 * Bytes to text the way dockerd reads daemon.json: a UTF-8 BOM is dropped, a UTF-16 file with a BOM
 * is decoded (the engine does both, for Windows editors), anything else must be valid UTF-8.
 */
export type Decoded =
  | { ok: true; text: string; bom: 'utf-8' | 'utf-16le' | 'utf-16be' | undefined }
  | { ok: false; badByteOffset: number; validPrefix: string };

export function decodeConfigBytes(bytes: Uint8Array): Decoded {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeUtf8(bytes.subarray(3), 'utf-8', 3);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), 'utf-16be');
  return decodeUtf8(bytes, undefined, 0);
}

function decodeUtf8(bytes: Uint8Array, bom: 'utf-8' | undefined, skipped: number): Decoded {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), bom };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return { ok: false, badByteOffset: bad + skipped, validPrefix: new TextDecoder('utf-8').decode(bytes.subarray(0, bad)) };
  }
}

function decodeUtf16(bytes: Uint8Array, bom: 'utf-16le' | 'utf-16be'): Decoded {
  try {
    return { ok: true, text: new TextDecoder(bom, { fatal: true, ignoreBOM: true }).decode(bytes), bom };
  } catch {
    return { ok: false, badByteOffset: 2 + (bytes.length & ~1), validPrefix: '' };
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let n = 0;
    let min = 0;
    if (c < 0x80) { i++; continue; }
    else if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}
