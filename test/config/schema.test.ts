import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDerivedSchemas, generateSchemaValidator, generateValidatorTypes, mergePatch, patchFile, schemaFile, validatorFile, validatorTypesFile } from '../../scripts/schema-validator-source.ts';
import { jsonKeys, parseGoStructs } from '../../src/config/go-structs.ts';
import { compareKeys } from '../../src/config/schema-drift.ts';
import { engineAcceptsKey, parseEngineFlags } from '../../src/config/engine-flags.ts';
import { type RootSchema, type SchemaNode } from '../../src/config/schema.ts';
import { ENGINE_LINES } from '../../src/config/engine-line.ts';
import { SCHEMAS } from './fixtures.ts';
import { mobySource, removeDir, tempDir, writeFiles } from '../helpers.ts';

const root = new URL('../../', import.meta.url).pathname;
const S = suite('config/schema: the schema, its generated validator and schema:check');

const committed = (file: string) => readFileSync(join(root, file), 'utf8');
const OUT_OF_DATE = 'out of date: run npx tsx scripts/gen-schema-validator.ts';

S('the committed v29 schema is v28 with the v29 patch applied', () => {
  const derived = generateDerivedSchemas();
  assert.equal(derived.map((d) => d.file), [schemaFile('v29')]);
  for (const { file, text } of derived) assert.ok(committed(file) === text, `${file} ${OUT_OF_DATE}`);
});

S('each line has its committed standalone validator, generated from its schema', () => {
  for (const line of ENGINE_LINES) {
    assert.ok(committed(validatorFile(line)) === generateSchemaValidator(line), `${validatorFile(line)} ${OUT_OF_DATE}`);
    assert.ok(committed(validatorTypesFile(line)) === generateValidatorTypes(line), `${validatorTypesFile(line)} ${OUT_OF_DATE}`);
  }
});

S('the v29 patch holds only differences from v28: each of its members changes something', () => {
  const base = JSON.parse(committed(schemaFile('v28'))) as unknown;
  const patch = JSON.parse(committed(patchFile('v29'))) as unknown;
  const noOps: string[] = [];
  const walk = (b: unknown, p: unknown, at: string) => {
    for (const [key, value] of Object.entries(p as object)) {
      const before = b !== null && typeof b === 'object' ? (b as Record<string, unknown>)[key] : undefined;
      if (value === null ? before === undefined : JSON.stringify(mergePatch(before, value)) === JSON.stringify(before)) noOps.push(`${at}/${key}`);
      else if (value !== null && typeof value === 'object' && !Array.isArray(value) && before !== undefined) walk(before, value, `${at}/${key}`);
    }
  };
  walk(base, patch, '');
  assert.equal(noOps, []);
});

S('JSON Merge Patch: null removes, objects merge, other values replace, sorted maps stay sorted', () => {
  assert.equal(mergePatch({ a: 1, c: { x: 1, y: 2 }, d: [1] }, { a: null, b: 2, c: { y: null, z: 3 }, d: [2] }), { b: 2, c: { x: 1, z: 3 }, d: [2] });
  assert.equal(Object.keys(mergePatch({ a: 1, c: 1 }, { b: 1 }) as object), ['a', 'b', 'c']);
  assert.equal(Object.keys(mergePatch({ c: 1, a: 1 }, { b: 1 }) as object), ['c', 'a', 'b']);
});

for (const line of ENGINE_LINES) {
  S(`${line}: every top-level key has a description and a type (or a reference); extra-storage is the feature's`, () => {
    const { root: schema } = SCHEMAS[line];
    for (const [key, node] of Object.entries(schema.properties ?? {})) {
      const n = node as SchemaNode;
      assert.ok(n.$ref || (n.type && n.description), `${key} lacks type or description`);
    }
    assert.equal(Object.keys((schema.$defs.extraStorage as SchemaNode).properties ?? {}), ['path', 'device', 'type', 'options', 'verify']);
    assert.is((schema.$defs.extraStorage as SchemaNode).additionalProperties, false);
  });
}

S('v29 drops api-cors-header and reads the keys v29 added; v28 the other way round', () => {
  const v28 = Object.keys(SCHEMAS.v28.root.properties ?? {});
  const v29 = Object.keys(SCHEMAS.v29.root.properties ?? {});
  assert.equal(v28.filter((k) => !v29.includes(k)), ['api-cors-header']);
  assert.equal(v29.filter((k) => !v28.includes(k)), ['bridge-accept-fwmark', 'default-stop-timeout', 'firewall-backend', 'min-api-version', 'nri-opts']);
  assert.equal(SCHEMAS.v29.root.$defs.extraStorage, SCHEMAS.v28.root.$defs.extraStorage);
});

const GO = `package config

type Inner struct {
	Name string \`json:"name,omitempty"\`
	Flag *bool
}

// Config is what the file decodes into.
type Config struct {
	Common
	Hidden  bool              \`json:"-"\`
	Port    int               \`json:"port"\` // a comment
	Opts    map[string]string \`json:"opts,omitempty"\`
	Items   []Inner           \`json:"items"\`
	Proxies \`json:"proxies"\`
}

type Common struct {
	Debug bool \`json:"debug"\`
}

type Proxies struct {
	HTTP string \`json:"http-proxy"\`
}
`;

S('go-structs: json keys through embedded structs, tags, "-", maps, slices and untagged fields', () => {
  const keys = jsonKeys(parseGoStructs(GO), 'Config').map((k) => `${k.pointer}${k.caseInsensitive ? ' ci' : ''}`);
  assert.equal(keys, ['/debug', '/port', '/opts', '/items', '/items/*/name', '/items/*/Flag ci', '/proxies', '/proxies/http-proxy']);
});

S('schema drift: missing, excess and type differences are each reported', () => {
  const schema: RootSchema = { type: 'object', $defs: {}, properties: {
    debug: { type: 'boolean' }, port: { type: 'string' }, opts: { type: 'object' }, extra: { type: 'string' }, ours: { type: 'string' },
    items: { type: 'array', items: { type: 'object', 'x-go-case-insensitive': true, properties: { name: { type: 'string' }, flag: { type: 'boolean' } } } },
  } };
  const drifts = compareKeys(jsonKeys(parseGoStructs(GO), 'Config'), schema, { '/ours': 'ours' }, {});
  assert.equal(drifts.map((d) => `${d.kind} ${d.pointer}`), ['type /port', 'missing /proxies', 'missing /proxies/http-proxy', 'excess /extra']);
});

S('engine flags: flag names, named options and FlagX constants, as dockerd looks file keys up', () => {
  const src = `package main
const FlagTLS = "tls"
func install(flags *pflag.FlagSet) {
	flags.StringVar(&conf.Root, "data-root", conf.Root, "Root directory")
	flags.Var(opts.NewNamedListOptsRef("labels", &conf.Labels, opts.ValidateLabel), "label", "Set labels")
	flags.BoolVarP(&o.Debug, "debug", "D", false, "Enable debug mode")
	flags.BoolVar(&o.TLS, FlagTLS, DefaultTLSValue, "Use TLS")
	flags.BoolP("version", "v", false, "Print version")
}
func (p *PoolsOpt) Name() string {
	return "default-address-pools"
}`;
  const engine = parseEngineFlags([src]);
  assert.equal([...engine.flags].sort(), ['data-root', 'debug', 'label', 'tls', 'version']);
  assert.equal([...engine.namedOptions].sort(), ['default-address-pools', 'labels']);
  assert.ok(engineAcceptsKey('labels', engine, new Set()));
  assert.not.ok(engineAcceptsKey('default-init', engine, new Set()));
  assert.ok(engineAcceptsKey('default-init', engine, new Set(['default-init'])));
});

S('schema:check fails on a tree whose structs differ from the schema', async () => {
  const dir = await tempDir('schema-check-');
  try {
    await writeFiles(dir, { 'daemon/config/config.go': GO });
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/schema-check.ts', '--moby', dir], { cwd: root, encoding: 'utf8' });
    assert.is(r.status, 1);
    assert.match(r.stdout, /missing \/port/);
    assert.match(r.stdout, /excess  \/debug|excess  \/bip/);
    assert.match(r.stdout, /schema:check FAILED/);
  } finally {
    await removeDir(dir);
  }
});

S('schema:check passes against the moby checkout in MOBY_SRC', () => {
  const moby = mobySource('config/schema schema:check against moby');
  if (!moby) return;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/schema-check.ts', '--moby', moby], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /schema:check OK/);
});

S('schema:check passes against the moby docker-v29.x checkout in MOBY_SRC_V29, with the v29 schema', () => {
  const moby = mobySource('config/schema schema:check against moby v29', 'MOBY_SRC_V29');
  if (!moby) return;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/schema-check.ts', '--moby', moby, '--engine', 'v29'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^schemas\/daemon\.v29\.schema\.json against a v29 tree/);
  assert.match(r.stdout, /schema:check OK/);
  const wrong = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/schema-check.ts', '--moby', moby, '--engine', 'v28'], { cwd: root, encoding: 'utf8' });
  assert.is(wrong.status, 2);
  assert.match(wrong.stderr, /is a v29 tree/);
});

S('schema:check notices a new engine flag that makes a rejected key valid (on a clone of MOBY_SRC)', async () => {
  const moby = mobySource('config/schema schema:check on a changed moby clone');
  if (!moby) return;
  const dir = await tempDir('schema-check-moby-');
  try {
    spawnSync('git', ['clone', '-q', '--shared', moby, join(dir, 'moby')]);
    const file = join(dir, 'moby/cmd/dockerd/config_unix.go');
    const src = readFileSync(file, 'utf8').replace('installCommonConfigFlags(conf, flags)\n', 'installCommonConfigFlags(conf, flags)\n\tflags.StringVar(&conf.DefaultInitBinary, "default-init", "", "init")\n');
    await writeFiles(dir, { 'moby/cmd/dockerd/config_unix.go': src });
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/schema-check.ts', '--moby', join(dir, 'moby')], { cwd: root, encoding: 'utf8' });
    assert.is(r.status, 1, r.stdout);
    assert.match(r.stdout, /engine  \/default-init  dockerd accepts this key now/);
  } finally {
    await removeDir(dir);
  }
});

S.run();
