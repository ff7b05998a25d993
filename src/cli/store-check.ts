/**
 * store check DIR [--json]: a read-only fsck of a store with the engine's own rules (src/store), so
 * that a store that passes pulls. One line per problem, `PATH  RULE: why`, then one closing line;
 * or one JSON document. Exit 0 clean, 1 problems, 2 usage (a DIR that is not a directory).
 */
import { join } from 'node:path';
import type { ExitCode } from '../errors.ts';
import { checkStore, type CheckReport } from '../store/check.ts';
import { fsStoreView } from '../store/fs-view.ts';
import { defineCommand } from './command.ts';
import { oneLine, storeDirOperand } from './store-dir.ts';

const SPEC = {
  invocation: 'npm run store -- check',
  name: 'store check',
  synopsis: '[--json] DIR',
  summary: [
    "Checks the store at DIR (a dockerd data-root, overlay2) with the engine's own rules, the ones a",
    'NAME:TAG-extra pull applies: repositories.json, each image config against its digest, each layer of',
    "layerdb (cache-id, diff, size, parent, tar-split.json.gz) and its overlay2 directory, no symlink and",
    'no size above the engine\'s limits. Only reads. Exit 0 clean, 1 problems (one line each, with its',
    'path), 2 usage.',
  ].join('\n'),
  options: {
    json: { type: 'boolean', help: 'one JSON document: {store, clean, images, tags, layers, problems:[{path, rule, message}]}' },
  },
  operands: true,
  example: 'npm run store -- check /var/lib/docker/extra',
} as const;

export const command = defineCommand(SPEC, async (ctx, { values, positionals }): Promise<ExitCode> => {
  const dir = await storeDirOperand('check', positionals, ctx.cwd);
  const report = await checkStore(fsStoreView(dir));
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
  return `store ${r.root}: ${what} checked: ${verdict}`;
}

function toJson(r: CheckReport) {
  return {
    store: r.root,
    clean: r.findings.length === 0,
    images: r.images,
    tags: r.tags,
    layers: r.layers,
    problems: r.findings.map((f) => ({ path: join(r.root, f.path), rule: f.rule, message: f.message })),
  };
}
