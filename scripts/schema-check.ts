/**
 * npm run schema:check -- [--moby PATH] [--engine v28|v29]
 * Lists the json tags of the engine's daemon.json structs in a moby checkout (Linux Config and what it
 * embeds or nests) and fails on any key schemas/daemon.<line>.schema.json lacks or has in excess, or
 * whose JSON type differs, so each line's schema can follow new engine tags. Reads MOBY_SRC when --moby
 * is not given. The line is read from the tree (v29 is the Go module github.com/moby/moby/v2);
 * --engine, when given, must agree with it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonKeys, parseGoStructs, type CustomJson, type GoStructs } from '../src/config/go-structs.ts';
import { compareKeys } from '../src/config/schema-drift.ts';
import { resolveRef, type RootSchema } from '../src/config/schema.ts';
import { engineAcceptsKey, parseEngineFlags } from '../src/config/engine-flags.ts';
import { ENGINE_LINES, isEngineLine, type EngineLine } from '../src/config/engine-line.ts';

interface TreeLayout {
  /** Where the structs reachable from daemon/config.Config live, besides daemon/config itself. */
  sources: readonly string[];
  /** Where the flags are defined (and the named options' Name()), which decide the keys dockerd accepts. */
  flagDirs: readonly string[];
}

const LAYOUTS: Readonly<Record<EngineLine, TreeLayout>> = {
  v28: {
    sources: ['registry/config.go', 'api/types/system/runtime.go', 'libnetwork/ipamutils/utils.go', 'vendor/github.com/docker/go-units/ulimit.go'],
    flagDirs: ['cmd/dockerd', 'opts', 'internal/opts'],
  },
  // The module github.com/moby/moby/v2: the daemon's packages moved under daemon/, the API types are
  // the vendored module github.com/moby/moby/api.
  v29: {
    sources: ['daemon/pkg/registry/config.go', 'vendor/github.com/moby/moby/api/types/system/runtime.go', 'daemon/libnetwork/ipamutils/utils.go',
      'vendor/github.com/docker/go-units/ulimit.go', 'daemon/pkg/opts/nri_opts.go'],
    flagDirs: ['daemon/command', 'daemon/pkg/opts', 'daemon/internal/opts'],
  },
};

/** The engine line of a moby tree: its go.mod names the module github.com/moby/moby/v2 from v29 on. */
function lineOfTree(moby: string): EngineLine {
  const goMod = join(moby, 'go.mod');
  return existsSync(goMod) && /^module\s+github\.com\/moby\/moby\/v2\s*$/m.test(readFileSync(goMod, 'utf8')) ? 'v29' : 'v28';
}
/** Types with their own UnmarshalJSON: what JSON they read. */
const CUSTOM: CustomJson = { PoolsOpt: '[]*ipamutils.NetworkToSplit', BuilderGCFilter: '', Duration: '', MemBytes: '', Prefix: '', Addr: '', IP: '' };
/** Keys in the schema that are no struct tag, and why they belong there. */
const KNOWN_EXTRA: Record<string, string> = {
  '/extra-storage': 'dockerd-extra feature (DESIGN §5)',
  '/builder/gc/defaultKeepStorage': 'deprecated alias read by BuilderGCConfig.UnmarshalJSON',
  '/builder/gc/policy/*/keepStorage': 'deprecated alias read by BuilderGCRule.UnmarshalJSON',
};

const { values } = parseArgs({ options: { moby: { type: 'string' }, engine: { type: 'string' } } });
const moby = values.moby ?? process.env.MOBY_SRC;
if (!moby || !existsSync(join(moby, 'daemon/config/config.go'))) {
  process.stderr.write(moby ? `error: ${moby} is not a moby checkout (no daemon/config/config.go); give one with --moby PATH\n` : 'error: give a moby checkout with --moby PATH (or set MOBY_SRC)\n');
  process.exit(2);
}
const line = lineOfTree(moby);
if (values.engine !== undefined && values.engine !== line) {
  const why = isEngineLine(values.engine) ? `${moby} is a ${line} tree` : `the lines are ${ENGINE_LINES.join(', ')}`;
  process.stderr.write(`error: --engine ${values.engine}: ${why}; give the matching --engine, or leave it out to use the tree's line\n`);
  process.exit(2);
}
const { sources: SOURCES, flagDirs } = LAYOUTS[line];
const schemaFile = `schemas/daemon.${line}.schema.json`;
const daemonSchema = JSON.parse(readFileSync(new URL(`../${schemaFile}`, import.meta.url), 'utf8')) as RootSchema;
const structs: GoStructs = new Map();
// Every Linux source of daemon/config (a patched tree adds its own files there), then the nested types.
const configFiles = readdirSync(join(moby, 'daemon/config')).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !/_(windows|freebsd|darwin)\.go$/.test(f)).map((f) => `daemon/config/${f}`);
const missingFiles = SOURCES.filter((f) => !existsSync(join(moby, f)));
for (const f of [...configFiles, ...SOURCES]) if (!missingFiles.includes(f)) parseGoStructs(readFileSync(join(moby, f), 'utf8'), structs);
// skipValidateOptions: keys the engine accepts in the file without a struct field (deprecated, ignored).
const configGo = readFileSync(join(moby, 'daemon/config/config.go'), 'utf8');
const skipBlock = /var skipValidateOptions = map\[string\]bool\{([\s\S]*?)\n\}/.exec(configGo)?.[1] ?? '';
for (const m of skipBlock.matchAll(/"([a-z0-9-]+)":\s*true/g)) KNOWN_EXTRA[`/${m[1]}`] = 'in skipValidateOptions of daemon/config/config.go';

const keys = jsonKeys(structs, 'Config', CUSTOM);
const drifts = compareKeys(keys, daemonSchema, KNOWN_EXTRA, CUSTOM);

// Which top-level keys the engine refuses although they are json tags: it looks file keys up as flag
// names (or named options); members of objects not in flatOptions are looked up instead of the object.
const goFiles = (dir: string) => (existsSync(join(moby, dir)) ? readdirSync(join(moby, dir)) : [])
  .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.includes('windows')).map((f) => readFileSync(join(moby, dir, f), 'utf8'));
const engine = parseEngineFlags(flagDirs.flatMap(goFiles));
const listed = (name: string) => new Set([...(new RegExp(`var ${name} = map\\[string\\]bool\\{([\\s\\S]*?)\\n\\}`).exec(configGo)?.[1] ?? '').matchAll(/"([a-z0-9-]+)":\s*true/g)].map((m) => m[1] as string));
const skipValidate = listed('skipValidateOptions');
const flat = listed('flatOptions');
for (const [key, node] of Object.entries(daemonSchema.properties ?? {})) {
  if (KNOWN_EXTRA[`/${key}`] && !skipValidate.has(key)) continue;
  if (resolveRef(daemonSchema, node)?.type === 'object' && !flat.has(key)) continue; // flattened: its members are looked up
  const rejects = !engineAcceptsKey(key, engine, skipValidate);
  const marked = Boolean(resolveRef(daemonSchema, node)?.['x-engine-rejects']);
  if (rejects !== marked) {
    drifts.push({ pointer: `/${key}`, kind: 'engine', detail: rejects ? 'dockerd refuses this key in the file (no flag or named option of that name): mark it x-engine-rejects' : 'dockerd accepts this key now: remove x-engine-rejects' });
  }
}
process.stdout.write(`${schemaFile} against a ${line} tree: ${keys.length} engine keys, ${engine.flags.size} flags and ${engine.namedOptions.size} named options in ${configFiles.length + SOURCES.length - missingFiles.length} files of ${moby}` + (missingFiles.length ? ` (not found: ${missingFiles.join(', ')})` : '') + '\n');
for (const d of drifts) process.stdout.write(`${d.kind.padEnd(7)} ${d.pointer}  ${d.detail}\n`);
process.stdout.write(drifts.length === 0 ? 'schema:check OK: the schema has every engine key and no other\n' : `schema:check FAILED: ${drifts.length} difference(s)\n`);
process.exitCode = drifts.length === 0 && missingFiles.length === 0 ? 0 : 1;
