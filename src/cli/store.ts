/**
 * store VERB: the store's life cycle. Dispatches to one file per verb (store-check.ts, store-ls.ts, …),
 * loaded on use; `store --help` lists the verbs, `store VERB --help` tells the rest.
 */
import { UsageError } from '../errors.ts';
import type { Command } from './command.ts';

type Load = () => Promise<{ command: Command }>;

/** The verbs; main.ts also names each as a command of its own, store-VERB, after its file. */
export const verbs: Record<string, { load: Load; summary: string }> = {
  add: { load: () => import('./store-add.ts'), summary: 'put images into a store through a private dockerd on a staging copy (docker save archives, OCI layouts, --from-daemon)' },
  rm: { load: () => import('./store-rm.ts'), summary: 'remove tags from a store, and the layers no other image uses, the same way' },
  check: { load: () => import('./store-check.ts'), summary: "check a store with the engine's own rules, every problem with its path (--deep re-hashes layers)" },
  ls: { load: () => import('./store-ls.ts'), summary: 'list the images of a store: tags, pull names, sizes, shared layers' },
  publish: { load: () => import('./store-publish.ts'), summary: 'publish a store as a new generation under an export and switch its current link atomically' },
  pack: { load: () => import('./store-pack.ts'), summary: 'pack a store into a read-only erofs, ext4 or squashfs image the engine mounts itself' },
};

function help(): string {
  const width = Math.max(...Object.keys(verbs).map((v) => v.length));
  return [
    'usage: npm run store -- VERB [OPTIONS] [DIR]',
    '',
    'The extra store: a dockerd data-root (overlay2) whose images `docker pull NAME:TAG-extra` links.',
    'add and rm change it through the engine, on a copy switched in at the end; check, ls and pack only',
    'read it; publish copies it as a new generation under an export and switches `current` to it.',
    '',
    'verbs:',
    ...Object.entries(verbs).map(([name, v]) => `  ${name.padEnd(width)}  ${v.summary}`),
    '',
    'options:',
    '  -h, --help   show this help; VERB --help shows its options',
    '  --version    print the project version, the engine lines and their patch sets',
    '',
    'example:',
    '  npm run store -- add --store /srv/extra app.tar',
    '',
  ].join('\n');
}

export const command: Command = async (ctx) => {
  const [verb, ...rest] = ctx.argv;
  if (verb === '--help' || verb === '-h') {
    ctx.stdout.write(help());
    return 0;
  }
  if (verb === '--version') {
    ctx.stdout.write(await (await import('./version.ts')).versionText(ctx.env, ctx.cwd));
    return 0;
  }
  const entry = verb !== undefined && Object.hasOwn(verbs, verb) ? verbs[verb] : undefined;
  if (!entry) {
    const what = verb === undefined ? 'no verb given' : verb.startsWith('-') ? `unknown option '${verb}'` : `unknown verb "${verb}"`;
    throw new UsageError(`store: ${what}; verbs: ${Object.keys(verbs).join(', ')}; see npm run store -- --help`);
  }
  const { command: run } = await entry.load();
  return run({ ...ctx, argv: rest });
};
