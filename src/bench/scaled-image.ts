/**
 * A generated image of a chosen size and layer count, for measuring at scale: a small base layer
 * (busybox and the file the first-output probe reads), then layers of a few hundred files each, half
 * incompressible (seeded pseudo-random), half text, adding up to the total asked for.
 */
import { APPLETS, type ImageSpec, type LayerEntry } from '../e2e/image-spec.ts';

export interface ScaledImageOptions {
  busybox: string;
  totalBytes: number;
  layers: number;
  /** Size of each generated file; the default gives a few hundred files per layer at 1 GiB. */
  fileBytes?: number;
  /** The image's name; the benchmark names it after its loopback registry so an extra pull could reach it. */
  repo?: string;
}

const TEXT_LINE = 'the quick brown fox jumps over the lazy dog; extra storage links, it never copies.\n';

export function scaledImageSpec(options: ScaledImageOptions): ImageSpec {
  if (!Number.isInteger(options.layers) || options.layers < 2) throw new RangeError('a scaled image needs at least 2 layers');
  const payloadLayers = options.layers - 1;
  const perLayer = Math.max(1, Math.floor(options.totalBytes / payloadLayers));
  const fileBytes = Math.min(options.fileBytes ?? 256 * 1024, perLayer);
  // One text buffer shared by every text file: the spec stays small whatever the image size.
  const text = TEXT_LINE.repeat(Math.ceil(fileBytes / TEXT_LINE.length)).slice(0, fileBytes);
  const base: LayerEntry[] = [
    { kind: 'dir', path: 'bin', mode: 0o755 },
    { kind: 'copy', path: 'bin/busybox', from: options.busybox, mode: 0o755 },
    ...APPLETS.map((name): LayerEntry => ({ kind: 'symlink', path: `bin/${name}`, target: 'busybox' })),
    { kind: 'file', path: 'data/keep.txt', text: 'kept from layer 1\n', mode: 0o644 },
  ];
  const layers: LayerEntry[][] = [base];
  for (let l = 0; l < payloadLayers; l++) {
    const entries: LayerEntry[] = [];
    const files = Math.max(1, Math.round(perLayer / fileBytes));
    for (let f = 0; f < files; f++) {
      const path = `data/layer${l + 1}/f${String(f).padStart(4, '0')}`;
      entries.push(f % 2 === 0 ? { kind: 'random', path: `${path}.bin`, seed: `scaled-${l}-${f}`, size: fileBytes } : { kind: 'file', path: `${path}.txt`, text, mode: 0o644 });
    }
    layers.push(entries);
  }
  return { repo: options.repo ?? '127.0.0.1:9/bench/scaled', tag: `${options.layers}x${options.totalBytes}`, layers, expectations: [] };
}
