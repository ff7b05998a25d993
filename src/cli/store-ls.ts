/**
 * store ls DIR [--json]: what a store offers. Per image its ID, size and shared part, and per tag the
 * name to pull it with; then the totals. Only reads. Exit 0 when listed, 1 when repositories.json
 * cannot be read (nothing to list), 2 usage; an image that fails the engine's checks is marked, and
 * `store check` says why.
 */
import { join } from 'node:path';
import type { ExitCode } from '../errors.ts';
import { fsStoreView } from '../store/fs-view.ts';
import { listStore, type StoreListing } from '../store/list.ts';
import { throughCurrent } from '../store/publish.ts';
import { readStore } from '../store/read.ts';
import { defineCommand } from './command.ts';
import { oneLine } from './one-line.ts';
import { formatBytes, storeDirOperand } from './store-dir.ts';

const SPEC = {
  invocation: 'npm run store -- ls',
  name: 'store ls',
  synopsis: '[--json] DIR',
  summary: [
    'Lists the images of the store at DIR: each with its tags and the name that pulls it from the store',
    '(NAME:TAG-extra, NAME:extra for latest), its size and the part shared with other images, then the',
    'totals. Only reads. Exit 0 when listed, 1 when DIR holds no readable repositories.json, 2 usage.',
  ].join('\n'),
  options: {
    json: { type: 'boolean', help: 'one JSON document: {store, images:[{id, tags:[{name, pullName}], layers, platform, size, sharedSize, ok}], layers, totalSize, imagesSize}' },
  },
  operands: true,
  example: 'npm run store -- ls /var/lib/docker/extra',
} as const;

export const command = defineCommand(SPEC, async (ctx, { values, positionals }): Promise<ExitCode> => {
  // An export (store publish) is read through its current link.
  const { dir } = await throughCurrent(await storeDirOperand('ls', positionals, ctx.cwd));
  const contents = await readStore(fsStoreView(dir));
  const unreadable = contents.readable ? undefined : contents.findings[0];
  if (unreadable) {
    ctx.stderr.write(oneLine(`error: store ls: ${join(dir, unreadable.path)}: ${unreadable.message}`) + '\n');
    return 1;
  }
  const listing = listStore(contents);
  if (values.json) ctx.stdout.write(JSON.stringify({ store: listing.root, ...listing, root: undefined }, null, 2) + '\n');
  else ctx.stdout.write(renderListing(listing));
  if (contents.findings.length > 0) ctx.stderr.write(`${contents.findings.length} problem(s) in the store; npm run store -- check ${dir} lists them\n`);
  return 0;
});

const size = (n: number | undefined) => (n === undefined ? 'size unknown' : formatBytes(n));

export function renderListing(l: StoreListing): string {
  const lines: string[] = [];
  for (const img of l.images) {
    const shared = img.sharedSize > 0 ? `, ${formatBytes(img.sharedSize)} shared` : '';
    const bad = img.ok ? '' : '  FAILS store check';
    lines.push(`${img.id.slice(0, 'sha256:'.length + 12)}  ${img.platform ?? 'platform unknown'}  ${img.layers.length} layer${img.layers.length === 1 ? '' : 's'}  ${size(img.size)}${shared}${bad}`);
    const width = Math.max(0, ...img.tags.map((t) => t.name.length));
    for (const t of img.tags) lines.push(oneLine(`  ${t.name.padEnd(width)}  ${t.pullName ? `docker pull ${t.pullName}` : '(no pull name: the tag is too long for -extra)'}`));
    for (const d of img.digestKeys) lines.push(oneLine(`  ${d}  (by digest: its layers serve registry-assisted pulls)`));
  }
  const shared = l.layers.filter((x) => x.images.length > 1).length;
  const untagged = l.layers.filter((x) => x.images.length === 0).length;
  const others = untagged ? `, ${untagged} no tag uses, for registry-assisted pulls` : '';
  lines.push(
    `${l.images.length} image${l.images.length === 1 ? '' : 's'}, ${l.layers.length} layer${l.layers.length === 1 ? '' : 's'} (${shared} shared${others}): ` +
      `${formatBytes(l.totalSize)} in the store, ${formatBytes(l.imagesSize)} as separate images`,
  );
  return lines.join('\n') + '\n';
}
