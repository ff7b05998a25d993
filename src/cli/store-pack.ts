/**
 * store pack DIR --format erofs|ext4|squashfs --out FILE [--force]: a read-only filesystem image of
 * the store, to put on NFS or attach as a block device (the engine mounts such a file itself, through
 * a loop device, with "device": FILE and "type": FORMAT). The store must pass `store check` first;
 * the image is written next to FILE and renamed at the end (src/store/pack*.ts).
 */
import { rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { need, type Step, type StepState } from '../steps.ts';
import { checkStore } from '../store/check.ts';
import { fsStoreView } from '../store/fs-view.ts';
import { isPackFormat, PACK_FORMATS, StoreNotCleanError, type PackFormat, type StoreUsage } from '../store/pack.ts';
import { moveIntoPlace, storeUsage, writeImage } from '../store/pack-image.ts';
import { defineCommand, type CommandContext } from './command.ts';
import { runStepList } from './renderer.ts';
import { formatBytes, storeDirOperand } from './store-dir.ts';

const SPEC = {
  invocation: 'npm run store -- pack',
  name: 'store pack',
  synopsis: '--format erofs|ext4|squashfs --out FILE [--force] DIR',
  summary: [
    'Packs the store at DIR (a dockerd data-root, overlay2; everything under it) into a read-only',
    'filesystem image FILE, to put on NFS or attach as a block device: mkfs.erofs (erofs-utils),',
    'mkfs.ext4 -d (e2fsprogs; no journal, shrunk to its contents) or mksquashfs (squashfs-tools).',
    'Whiteouts, opaque-directory xattrs, hardlinks, symlinks, owners, modes and mtimes are kept (run',
    'as root for the trusted.overlay.* xattrs). DIR must pass store check first. The image is written',
    'next to FILE and renamed at the end, so FILE is never half written. The engine mounts FILE itself',
    'through a loop device: "extra-storage": {"device": FILE, "type": FORMAT}.',
  ].join('\n'),
  options: {
    format: { type: 'string', value: 'FORMAT', help: `the image's filesystem: ${PACK_FORMATS.join(', ')}` },
    out: { type: 'string', value: 'FILE', help: 'the image file to write (its folder must exist; not inside DIR)' },
    force: { type: 'boolean', help: 'replace FILE if it exists' },
  },
  operands: true,
  example: 'npm run store -- pack --format erofs --out /srv/store.erofs /var/lib/docker/extra',
} as const;

interface Options {
  dir: string;
  format: PackFormat;
  out: string;
}

interface State extends StepState {
  usage?: StoreUsage;
  temp?: string;
  imageBytes?: number;
}

const exists = (path: string) => stat(path).then((st) => st, () => undefined);

async function parseOptions(ctx: CommandContext, values: { format?: string; out?: string; force?: boolean }, positionals: string[]): Promise<Options> {
  const dir = await storeDirOperand('pack', positionals, ctx.cwd);
  if (values.format === undefined || !isPackFormat(values.format)) {
    const got = values.format === undefined ? 'none given' : `got "${values.format}"`;
    throw new UsageError(`store pack: --format must be one of ${PACK_FORMATS.join(', ')} (${got}); see npm run store -- pack --help`);
  }
  if (values.out === undefined) throw new UsageError('store pack: --out FILE is missing: the image file to write; see npm run store -- pack --help');
  const out = resolve(ctx.cwd, values.out);
  if (out === dir || out.startsWith(`${dir}/`)) throw new UsageError(`store pack: --out ${out} is inside the store ${dir}; write the image outside it`);
  if (!(await exists(dirname(out)))?.isDirectory()) throw new UsageError(`store pack: the folder of --out, ${dirname(out)}, does not exist; create it first`);
  const there = await exists(out);
  if (there?.isDirectory()) throw new UsageError(`store pack: --out ${out} is a directory; give the path of the image file`);
  if (there && !values.force) throw new UsageError(`store pack: ${out} exists; pass --force to replace it, or choose another --out`);
  return { dir, format: values.format, out };
}

function steps(o: Options): Step<State>[] {
  return [
    {
      title: `Check the store ${o.dir}`,
      async run() {
        const report = await checkStore(fsStoreView(o.dir));
        if (report.findings.length) throw new StoreNotCleanError(o.dir, report.findings);
        return `Store ${o.dir}: ${report.images} image(s), ${report.layers} layer(s), clean`;
      },
    },
    {
      title: 'Measure the store',
      async run(s) {
        s.usage = await storeUsage(o.dir);
        return `Store: ${formatBytes(s.usage.bytes)} in ${s.usage.entries} entries`;
      },
    },
    {
      title: `Make the ${o.format} image`,
      async run(s, io) {
        const started = Date.now();
        s.temp = await writeImage(o.format, o.dir, o.out, need(s.usage, 'the usage'), io);
        return `Made the ${o.format} image in ${((Date.now() - started) / 1000).toFixed(1)} s`;
      },
    },
    {
      title: `Move it to ${o.out}`,
      async run(s) {
        s.imageBytes = await moveIntoPlace(need(s.temp, 'the image'), o.out);
        s.temp = undefined;
      },
    },
  ];
}

export const command = defineCommand(SPEC, async (ctx, { values, positionals }): Promise<ExitCode> => {
  const o = await parseOptions(ctx, values, positionals);
  const started = Date.now();
  const state: State = {};
  try {
    await runStepList<State>(steps(o), state, ctx);
  } finally {
    if (state.temp) await rm(state.temp, { force: true });
  }
  const store = need(state.usage, 'the usage').bytes;
  const image = need(state.imageBytes, 'the image size');
  const ratio = store > 0 ? ` (${Math.round((image / store) * 100)}% of the store)` : '';
  ctx.stdout.write(
    `packed ${o.dir} (${formatBytes(store)}, du) into ${o.out}: ${o.format} image of ${formatBytes(image)}${ratio} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
});
