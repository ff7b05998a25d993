/** The v28 line's schema and its generated validator, loaded by loadDaemonSchema('v28') only. */
import root from '../../schemas/daemon.v28.schema.json' with { type: 'json' };
import validate from './generated/schema-validator.v28.js';
import type { DaemonSchema, RootSchema } from './schema.ts';

export const daemonSchema: DaemonSchema = { line: 'v28', root: root as unknown as RootSchema, validate };
