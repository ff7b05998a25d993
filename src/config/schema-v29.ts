/** The v29 line's schema and its generated validator, loaded by loadDaemonSchema('v29') only. */
import root from '../../schemas/daemon.v29.schema.json' with { type: 'json' };
import validate from './generated/schema-validator.v29.js';
import type { DaemonSchema, RootSchema } from './schema.ts';

export const daemonSchema: DaemonSchema = { line: 'v29', root: root as unknown as RootSchema, validate };
