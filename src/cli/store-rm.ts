/**
 * store rm --store DIR [--dockerd PATH] NAME:TAG...: tags out of a store through a private dockerd on
 * a staging copy (src/store/rm.ts), which drops an image with its last tag and the layers no other
 * image uses; switched in only when `store check` passes. Exit 0 removed, 1 the engine refused (a tag
 * the store lacks) or the check failed (the store as it was), 2 usage or a DIR left alone.
 */
import type { ExitCode } from '../errors.ts';
import { summarizeEdit } from '../store/add.ts';
import { rmState, rmSteps, rmTags } from '../store/rm.ts';
import { need } from '../steps.ts';
import { defineCommand } from './command.ts';
import { runStepList } from './renderer.ts';
import { closingLine, dockerdOption, storeOption } from './store-add.ts';

const SPEC = {
  invocation: 'npm run store -- rm',
  name: 'store rm',
  synopsis: '--store DIR [--dockerd PATH] NAME:TAG...',
  summary: [
    'Removes tags from the store at DIR, through a private dockerd of the store\'s engine line running',
    '`docker rmi` on a copy of the store: an image goes with its last tag, and with it each layer no other',
    'image uses. The copy passes `store check` and is renamed in; interrupted or refused, DIR is as it',
    'was. Refuses a DIR a running dockerd uses, or a read-only one. Exit 0 removed, 1 a tag the store',
    'lacks or a failed check, 2 usage or DIR left alone.',
  ].join('\n'),
  options: {
    store: { type: 'string', value: 'DIR', help: 'the store (a dockerd data-root, overlay2)' },
    dockerd: { type: 'string', value: 'PATH', help: "the dockerd that writes the store, of the store's engine line (default: dist/dockerd, where build-dockerd writes it)" },
  },
  operands: true,
  example: 'npm run store -- rm --store /srv/extra registry.example/app:1.3',
} as const;

export const command = defineCommand(SPEC, async (ctx, { values, positionals }): Promise<ExitCode> => {
  const store = storeOption('rm', values.store, ctx.cwd);
  const state = rmState(store, dockerdOption(values.dockerd, ctx.cwd), rmTags(positionals));
  await runStepList(rmSteps(state), state, ctx);
  ctx.stdout.write(`${closingLine('rm', store, summarizeEdit(need(state.before, 'the store before'), need(state.after, 'the store after')))}\n`);
  return 0;
});
