/**
 * store check DIR [--deep [--dockerd PATH]] [--json]: a read-only fsck of a store with the engine's
 * own rules (src/store), so that a store that passes pulls; --deep has the patched engine re-hash
 * every layer (src/store/deep.ts). One line per problem, `PATH  RULE: why`, then one closing line;
 * or one JSON document. Exit 0 clean, 1 problems, 2 usage (a DIR that is not a directory, --deep
 * without root or dockerd).
 */
import { join, resolve } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { PACKAGE_ROOT } from '../project.ts';
import { summarize, type CheckReport } from '../store/check.ts';
import { deepCheck, type DeepReport } from '../store/deep.ts';
import { fsStoreView } from '../store/fs-view.ts';
import { throughCurrent } from '../store/publish.ts';
import { readStore } from '../store/read.ts';
import { defineCommand } from './command.ts';
import { oneLine } from './one-line.ts';
import { storeDirOperand } from './store-dir.ts';

const SPEC = {
  invocation: 'npm run store -- check',
  name: 'store check',
  synopsis: '[--deep [--dockerd PATH]] [--json] DIR',
  summary: [
    "Checks the store at DIR (a dockerd data-root, overlay2) with the engine's own rules, the ones a",
    'NAME:TAG-extra pull applies: repositories.json, each image config against its digest, each layer of',
    "layerdb (cache-id, diff, size, parent, tar-split.json.gz) and its overlay2 directory, no symlink and",
    "no size above the engine's limits. --deep then has the patched dockerd pull every image from the",
    'store with "verify": "content" (as root, on a temp data-root): each layer\'s tar is rebuilt from its',
    'tar-split and its files and hashed against its diffID. Only reads. Exit 0 clean, 1 problems (one',
    'line each, with its path), 2 usage or a --deep that cannot run.',
  ].join('\n'),
  options: {
    deep: { type: 'boolean', help: 're-hash every layer with the engine itself (root; starts a private patched dockerd)' },
    dockerd: { type: 'string', value: 'PATH', help: 'the patched dockerd --deep runs (default: dist/dockerd, where build-dockerd writes it)' },
    json: { type: 'boolean', help: 'one JSON document: {store, clean, images, tags, layers, problems:[{path, rule, message}]}' },
  },
  operands: true,
  example: 'npm run store -- check /var/lib/docker/extra',
} as const;

export const command = defineCommand(SPEC, async (ctx, { values, positionals }): Promise<ExitCode> => {
  // An export (store publish) is read through its current link.
  const { dir } = await throughCurrent(await storeDirOperand('check', positionals, ctx.cwd));
  if (values.dockerd !== undefined && !values.deep) throw new UsageError('store check: --dockerd is for --deep; add --deep, or drop --dockerd');
  const contents = await readStore(fsStoreView(dir));
  const deep = values.deep
    ? await deepCheck(contents, {
        dockerd: resolve(ctx.cwd, values.dockerd ?? join(PACKAGE_ROOT, 'dist/dockerd')),
        signal: ctx.signal,
        onImage: (name, i, n) => {
          if (!values.json) ctx.stderr.write(`deep: pulling ${name} with verify content (${i + 1}/${n})\n`);
        },
      })
    : undefined;
  const report = summarize(contents, deep);
  if (values.json) ctx.stdout.write(JSON.stringify(toJson(report), null, 2) + '\n');
  else {
    for (const f of report.findings) ctx.stdout.write(oneLine(`${join(report.root, f.path)}  ${f.rule}: ${f.message}`) + '\n');
    ctx.stderr.write(closingLine(report) + '\n');
  }
  return report.findings.length === 0 ? 0 : 1;
});

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function closingLine(r: CheckReport): string {
  const what = `${plural(r.images, 'image')}, ${plural(r.tags, 'tag')}, ${plural(r.layers, 'layer')}`;
  const verdict = r.findings.length === 0 ? 'clean, every tag pulls' : `${plural(r.findings.length, 'problem')}`;
  return `store ${r.root}: ${what} checked${r.deep ? deepPart(r.deep) : ''}: ${verdict}`;
}

function deepPart(d: DeepReport): string {
  const skipped = d.skipped.length ? `, ${d.skipped.length} not (${[...new Set(d.skipped.map((s) => s.reason))].join('; ')})` : '';
  return `, ${plural(d.checked.length, 'image')} re-hashed by the engine${skipped}`;
}

function toJson(r: CheckReport) {
  return {
    store: r.root,
    clean: r.findings.length === 0,
    images: r.images,
    tags: r.tags,
    layers: r.layers,
    ...(r.deep ? { deep: { checked: r.deep.checked, skipped: r.deep.skipped } } : {}),
    problems: r.findings.map((f) => ({ path: join(r.root, f.path), rule: f.rule, message: f.message })),
  };
}
