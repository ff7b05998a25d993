import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { validateDaemonConfig, isInvalid, MAX_CONFIG_BYTES, type Finding } from '../../src/config/validate.ts';
import { suggestKey } from '../../src/config/suggest.ts';
import { decodeConfigBytes, firstInvalidUtf8 } from '../../src/config/decode.ts';
import { ipVersion } from '../../src/config/net.ts';
import { SCHEMAS } from './fixtures.ts';

const V = suite('config/validateDaemonConfig');
const keys = (text: string | Uint8Array, dataRoot?: string) =>
  validateDaemonConfig(text, { schema: SCHEMAS.v28, file: 'd.json', ...(dataRoot ? { dataRoot } : {}) }).map((f) => `${f.line}:${f.column} ${f.pointer} ${f.keyword}${f.rule ? ':' + f.rule : ''} ${f.severity}`);

V('a valid file has no findings', () => {
  assert.equal(validateDaemonConfig('{"debug": true, "log-driver": "journald"}', { schema: SCHEMAS.v28 }), []);
});

V('reports every mistake at once, sorted by position', () => {
  const text = '{\n  "mtu": "1500",\n  "debgu": true,\n  "log-level": "loud"\n}';
  assert.equal(keys(text), ['2:10 /mtu type error', '3:3 /debgu unknown-key error', '4:16 /log-level rule:log-level error']);
});

V('did-you-mean for unknown keys at any level', () => {
  const f = validateDaemonConfig('{"registry-mirror": [], "extra_storage": {}, "extra-storage": {"pth": "/x"}}', { schema: SCHEMAS.v28 });
  assert.equal(f.map((x) => [x.pointer, x.suggestion]), [
    ['/registry-mirror', 'registry-mirrors'],
    ['/extra_storage', 'extra-storage'],
    ['/extra-storage/pth', 'path'],
  ]);
  assert.is(suggestKey('debug-mode-on', ['bip', 'debug']), undefined);
});

V('syntax errors, comments and duplicate keys carry line and column', () => {
  assert.equal(keys('{\n "a": 1,\n /* x */ "a": 2\n}').slice(0, 2), ['2:2 /a duplicate-key error', '3:2  comment error']);
  assert.equal(keys('{\n  "debug": tru\n}')[0], '2:12  syntax error');
});

const messages = (text: string) => validateDaemonConfig(text, { schema: SCHEMAS.v28 }).map((f) => `${f.line}:${f.column} ${f.message}`);
const syntaxCases: Array<[string, string, string[]]> = [
  ['an unquoted key', '{debug: true}', ['1:2 the key debug needs double quotes: write "debug"']],
  ['single quotes', "{'debug': true}", ['1:2 single quotes are not JSON: write "debug"']],
  ['Python\'s True', '{"debug": True}', ['1:11 True is not JSON: write true']],
  ['YAML\'s yes', '{"debug": yes}', ['1:11 yes is not JSON: write true or false']],
  ['a typo in a literal', '{"debug": tru}', ['1:11 tru is not JSON: did you mean true?']],
  ['an unquoted string', '{"log-level": info}', ['1:15 info is not JSON: a string needs double quotes, "info"']],
  ['NaN', '{"mtu": NaN}', ['1:9 NaN is not a JSON number: write a number, or a string in double quotes']],
  ['a trailing comma, shown at the comma', '{\n  "debug": true,\n}', ['2:16 a trailing comma before "}" is not JSON: remove it']],
  ['a trailing comma in an array', '{"dns": ["1.1.1.1",]}', ['1:19 a trailing comma before "]" is not JSON: remove it']],
  ['a missing colon', '{"debug" true}', ['1:10 ":" was expected after the key at "true"']],
  ['Python\'s None', '{"debug": None}', ['1:11 None is not JSON: write null']],
  ['an unquoted URL (which the scanner half reads as a comment)', '{"hosts": ["unix:///x", tcp://0.0.0.0:2375]}', ['1:25 a URL is a string in JSON: write "tcp://0.0.0.0:2375"']],
  ['a bare word in an array is a value, not a key', '{"dns-search": [example.com]}', ['1:17 example.com is not JSON: a string needs double quotes, "example.com"']],
  ['two mistakes in two members of one line', `{"debug": yes, "log-level": 'info'}`, ['1:11 yes is not JSON: write true or false', '1:29 single quotes are not JSON: write "info"']],
  ['a comma before the wrong closer is not called trailing', '{"dns": ["1.1.1.1",}', ['1:20 a value was expected at "}"']],
  ['a missing comma, shown where it goes', '{\n  "debug": true\n  "storage-driver": "overlay2"\n}', ['2:16 a comma is missing here, before "storage-driver": add ","']],
  ['a missing comma in an array', '{"dns": ["1.1.1.1" "8.8.8.8"]}', ['1:19 a comma is missing here, before "8.8.8.8": add ","']],
  ['a # comment reads as plainly as a // one, whatever it holds', '{\n  # was: "debug": false, "x": [\n  "debug": true # for now\n}', ['2:3 comments are not JSON: dockerd refuses the file; remove the comment', '3:17 comments are not JSON: dockerd refuses the file; remove the comment']],
  ['a # inside a string is no comment', '{"labels": ["rack=#12"] # x\n}', ['1:25 comments are not JSON: dockerd refuses the file; remove the comment']],
  ['one mistake per line, each reported', '{\n  debug: true,\n  "mtu": NaN\n}', ['2:3 the key debug needs double quotes: write "debug"', '3:10 NaN is not a JSON number: write a number, or a string in double quotes']],
];
for (const [name, text, expected] of syntaxCases) {
  V(`syntax: ${name} gets one line that says what to write`, () => {
    assert.equal(messages(text).filter((m) => !m.includes('unknown key')), expected);
  });
}

V('keys Go matches ignoring case, written twice: the one it drops is a duplicate', () => {
  assert.equal(keys('{"builder": {"gc": {"enabled": true}, "GC": {"enabled": false}}}'), ['1:14 /builder/gc duplicate-key error', '1:39 /builder/GC key-case warning']);
  assert.equal(keys('{"default-address-pools": [{"base": "10.0.0.0/8", "Size": 24, "size": 16}]}'), ['1:51 /default-address-pools/0/Size duplicate-key error']);
  assert.equal(keys('{"Debug": true, "debug": false}'), ['1:2 /Debug unknown-key error'], 'top-level keys are matched exactly, as the engine does');
});

V('log-driver: a name that is neither built in nor plugin-shaped is a warning, with the driver meant', () => {
  const warning = (text: string) => validateDaemonConfig(text, { schema: SCHEMAS.v28 }).map((f) => `${f.pointer} ${f.severity} ${f.message}`);
  assert.equal(warning('{"log-driver": "jsonfile"}'), ['/log-driver warning "jsonfile" is not a log driver built into dockerd: every container fails to start unless a logging plugin of that name is installed; did you mean "json-file"?']);
  assert.match(warning('{"log-driver": "splunkk", "log-opts": {"splunk-token": "x"}}')[0] as string, /dockerd refuses to start unless a logging plugin .*did you mean "splunk"\?$/);
  assert.equal(warning('{"log-driver": "grafana/loki-docker-driver:latest"}'), []);
  assert.equal(warning('{"log-driver": "journald"}'), []);
  assert.equal(warning('{"log-driver": "none"}'), []);
});

V('a UTF-8 BOM is accepted with a warning, as the engine accepts it', () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"debug": 1}')]);
  assert.equal(keys(bytes), ['1:1  encoding warning', '1:11 /debug type error']);
  assert.equal(keys('\uFEFF{}'), ['1:1  encoding warning']);
});

V('UTF-16 with a BOM is decoded, as the engine decodes it', () => {
  const body = Buffer.from('{\n"debug": "x"}', 'utf16le');
  assert.equal(keys(new Uint8Array([0xff, 0xfe, ...body])), ['1:1  encoding warning', '2:10 /debug type error']);
});

V('a non-UTF-8 byte is an error at its line and column', () => {
  const bytes = new Uint8Array([...new TextEncoder().encode('{\n "a": "'), 0xc3, 0x28, 0x22, 0x7d]);
  const [f] = validateDaemonConfig(bytes, { schema: SCHEMAS.v28 });
  assert.is(f?.keyword, 'encoding');
  assert.is(f?.line, 2);
  assert.is(f?.column, 8);
  assert.is(firstInvalidUtf8(new Uint8Array([0x41, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0x80])), 4); // a UTF-16 surrogate is not UTF-8
  assert.is(decodeConfigBytes(new Uint8Array([0xf0, 0x9f, 0x98, 0x80])).ok, true);
});

V('empty file: a warning (the engine starts with defaults); top-level non-object: an error', () => {
  assert.equal(keys('  \n'), ['1:1  empty warning']);
  assert.equal(keys('\n"debug"'), ['2:1  not-object error']);
  assert.equal(keys(' null '), ['1:2  null warning'], 'Go reads a top-level null as no settings');
  assert.not.ok(isInvalid(validateDaemonConfig('null', { schema: SCHEMAS.v28 })));
});

V('deep nesting is one finding, not a stack overflow', () => {
  const f = validateDaemonConfig('{"a":' + '['.repeat(100_000), { schema: SCHEMAS.v28 });
  assert.is(f.length, 1);
  assert.is(f[0]?.keyword, 'too-deep');
});

V('a huge input is refused with one finding before parsing', () => {
  const f = validateDaemonConfig(new Uint8Array(MAX_CONFIG_BYTES + 1), { schema: SCHEMAS.v28 });
  assert.equal(f.map((x) => x.keyword), ['too-large']);
});

V('Go refuses 1.0 and 1e3 for integer keys; JSON Schema alone would not', () => {
  assert.equal(keys('{"shutdown-timeout": 1e1, "max-concurrent-uploads": 2.0}'), ['1:22 /shutdown-timeout integer-literal error', '1:53 /max-concurrent-uploads integer-literal error']);
});

V('null values are skipped by the engine: a warning, not an error', () => {
  assert.equal(keys('{"debug": null}'), ['1:11 /debug null warning']);
});

V('keys the engine rejects although they are json tags', () => {
  assert.equal(keys('{"swarm-raft-heartbeat-tick": 1, "resolv-conf": "/r"}'), ['1:2 /swarm-raft-heartbeat-tick engine-rejects error', '1:34 /resolv-conf engine-rejects error']);
});

V('extra-storage rules: absolute path, not / nor the data-root or inside image/ or overlay2/', () => {
  const es = (v: object, root?: string) => keys(JSON.stringify({ 'extra-storage': v }), root).map((k) => k.replace(/^\S+ /, ''));
  assert.equal(es({ path: 'rel' }), ['/extra-storage/path rule:extra-storage-path error']);
  assert.equal(es({ path: '/' }), ['/extra-storage/path rule:extra-storage-path error']);
  assert.equal(es({ path: '/var/lib/docker/' }), ['/extra-storage/path rule:extra-storage-path error']);
  assert.equal(es({ path: '/var/lib/docker/image/overlay2' }), ['/extra-storage/path rule:extra-storage-path error']);
  assert.equal(es({ path: '/var/lib/docker/extra' }), []);
  assert.equal(es({ path: '/srv/docker/overlay2/x' }, '/srv/docker'), ['/extra-storage/path rule:extra-storage-path error']);
  assert.equal(es({ path: '/var/lib/docker/overlay2/x' }, '/srv/docker'), []);
});

V('the data-root of the file wins over the --data-root option', () => {
  const text = JSON.stringify({ 'data-root': '/data', 'extra-storage': { path: '/srv/docker/image' } });
  assert.equal(keys(text, '/srv/docker'), []);
});

V('extra-storage device and type go together, in the form mount expects', () => {
  const es = (v: object) => validateDaemonConfig(JSON.stringify({ 'extra-storage': { path: '/x', ...v } }), { schema: SCHEMAS.v28 }).map((f) => f.rule);
  assert.equal(es({ device: '/dev/sdb' }), ['extra-storage-device-type']);
  assert.equal(es({ type: 'nfs' }), ['extra-storage-device-type']);
  assert.equal(es({ device: 'nfs:/e', type: 'xfs' }), ['extra-storage-device']);
  assert.equal(es({ device: '/dev/sdb', type: 'nfs' }), ['extra-storage-device']);
  assert.equal(es({ device: 'nfs.example:/exports/d', type: 'nfs4', options: 'ro' }), []);
  assert.equal(es({ device: '/dev/loop0', type: 'squashfs' }), []);
  assert.equal(es({ device: '/srv/images/layers.squashfs', type: 'squashfs' }), []);
  assert.equal(es({ device: 'images/layers.squashfs', type: 'squashfs' }), ['extra-storage-device']);
  assert.equal(es({ device: '[fe80::1]:/exports/d', type: 'nfs4' }), []);
  assert.equal(es({ device: '[fe80::1]/exports/d', type: 'nfs4' }), ['extra-storage-device']);
  assert.equal(es({ options: 'ro' }), ['extra-storage-options']);
});

V('an image file as device: dockerd attaches the loop device, so no "loop" option; its name should match type', () => {
  const es = (v: object) => validateDaemonConfig(JSON.stringify({ 'extra-storage': { path: '/x', ...v } }), { schema: SCHEMAS.v28 }).map((f) => [f.pointer, f.rule, f.severity]);
  for (const [file, type] of [['/srv/store.erofs', 'erofs'], ['/srv/store.ext4', 'ext4'], ['/srv/store.sqfs', 'squashfs'], ['/srv/store.img', 'erofs']]) {
    assert.equal(es({ device: file, type }), [], `${file} as ${type}`);
  }
  assert.equal(es({ device: '/srv/store.erofs', type: 'erofs', options: 'loop' }), [['/extra-storage/options', 'extra-storage-options', 'error']]);
  assert.equal(es({ device: '/srv/store.ext4', type: 'ext4', options: 'ro, loop=/dev/loop3' }), [['/extra-storage/options', 'extra-storage-options', 'error']]);
  assert.equal(es({ device: '/srv/store.erofs', type: 'erofs', options: 'looping' }), []);
  assert.equal(es({ device: '/srv/store.erofs', type: 'squashfs' }), [['/extra-storage/type', 'extra-storage-device', 'warning']]);
  assert.equal(es({ device: '/srv/store.SQUASHFS', type: 'ext4' }), [['/extra-storage/type', 'extra-storage-device', 'warning']]);
  assert.equal(es({ device: 'nfs.example:/exports/store.erofs', type: 'nfs', options: 'loop' }), [], 'nfs options are not ours to judge');
});

V('a storage-driver the engine removed is refused, overlay2 is fine', () => {
  const rules = (driver: string) => validateDaemonConfig(JSON.stringify({ 'storage-driver': driver }), { schema: SCHEMAS.v28 }).map((f) => f.rule);
  for (const removed of ['overlay', 'aufs', 'devicemapper']) assert.equal(rules(removed), ['storage-driver'], removed);
  assert.equal(rules('overlay2'), []);
  assert.equal(rules('vfs'), []);
});

V('extra-storage and the containerd image store exclude each other', () => {
  const f = validateDaemonConfig(JSON.stringify({ features: { 'containerd-snapshotter': true }, 'extra-storage': {} }), { schema: SCHEMAS.v28 });
  assert.equal(f.map((x) => [x.pointer, x.rule]), [['/features/containerd-snapshotter', 'extra-storage-snapshotter']]);
  assert.equal(validateDaemonConfig(JSON.stringify({ features: { 'containerd-snapshotter': true } }), { schema: SCHEMAS.v28 }), []);
});

V('keys Go matches ignoring case: a warning, and their values are still checked', () => {
  assert.equal(keys('{"builder": {"GC": {"Enabled": "yes", "bogus": 1}}}'), [
    '1:14 /builder/GC key-case warning',
    '1:32 /builder/GC/Enabled type error',
    '1:39 /builder/GC/bogus unknown-key error',
  ]);
});

V('"__proto__" is an ordinary (unknown) key', () => {
  assert.equal(validateDaemonConfig('{"__proto__": {"debug": true}}', { schema: SCHEMAS.v28 }).map((f) => f.keyword), ['unknown-key']);
});

V('IP addresses are read as Go reads them', () => {
  const ok = ['1.2.3.4', '::', '::1', 'fe80::1', '2001:db8:0:0:0:0:0:1', '::ffff:1.2.3.4', '1:2:3:4:5:6:1.2.3.4'];
  const bad = ['256.1.1.1', '01.2.3.4', '1.2.3', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', 'dns.example', ''];
  assert.equal(ok.map(ipVersion), [4, 6, 6, 6, 6, 6, 6]);
  assert.equal(bad.map(ipVersion), bad.map(() => 0));
});

V('a runtime member the engine ignores is a warning that names the member meant (nvidia-ctk writes "args": [])', () => {
  const f = validateDaemonConfig('{"runtimes": {"nvidia": {"path": "nvidia-container-runtime", "args": []}}}', { schema: SCHEMAS.v28 });
  assert.equal(f.map((x) => [x.pointer, x.keyword, x.severity, x.suggestion]), [['/runtimes/nvidia/args', 'unknown-key', 'warning', 'runtimeArgs']]);
  assert.not.ok(isInvalid(f));
  const lost = validateDaemonConfig('{"runtimes": {"nvidia": {"path": "nvidia-container-runtime", "args": ["--debug"]}}}', { schema: SCHEMAS.v28 });
  assert.match(lost[0]?.message ?? '', /not passed to the runtime; move them to "runtimeArgs"/);
  assert.equal(keys('{"runtimes": {"x": {"path": "/x", "zzzzzz": 1}}, "builder": {"gc": {"zzzzzz": 1}}}'), ['1:35 /runtimes/x/zzzzzz unknown-key warning', '1:69 /builder/gc/zzzzzz unknown-key error']);
});

V('default-ulimits: an entry without Name, or with a name runc does not know, is an error', () => {
  assert.equal(keys('{"default-ulimits": {"nofile": {"Hard": 1, "Soft": 1}}}'), ['1:22 /default-ulimits/nofile rule:default-ulimits error']);
  assert.equal(keys('{"default-ulimits": {"nofile": {"name": "nofiles", "Hard": 1, "Soft": 1}}}'), ['1:41 /default-ulimits/nofile/name rule:default-ulimits error']);
  assert.equal(keys('{"default-ulimits": {"nofile": {"Name": "NOFILE", "Hard": 1, "Soft": 1}, "core": {"Name": "core"}}}'), []);
});

V('default-runtime: neither built in, nor a containerd shim name, nor in runtimes is an error', () => {
  assert.equal(keys('{"default-runtime": "nvidia"}'), ['1:21 /default-runtime rule:default-runtime error']);
  assert.equal(keys('{"default-runtime": "nvidia", "runtimes": {"nvidia": {"path": "nvidia-container-runtime"}}}'), []);
  for (const name of ['runc', 'io.containerd.runc.v2', 'io.containerd.kata.v2', '']) assert.equal(keys(`{"default-runtime": "${name}"}`), [], name);
  assert.equal(keys('{"default-runtime": "/usr/bin/crun"}'), ['1:21 /default-runtime rule:default-runtime error']);
});

V('keys the engine removed say when, and what to use instead', () => {
  const f = validateDaemonConfig('{"graph": "/srv/docker", "oom-score-adjust": -500, "cluster-store-opts": {}}', { schema: SCHEMAS.v28 });
  assert.equal(f.map((x) => [x.pointer, x.keyword, x.severity, x.suggestion]), [
    ['/graph', 'removed', 'error', 'data-root'],
    ['/oom-score-adjust', 'removed', 'error', undefined],
    ['/cluster-store-opts', 'removed', 'error', undefined],
  ]);
  assert.match(f[0]?.message ?? '', /removed in v23\.0.*use "data-root"/);
  assert.equal(keys('{"extra-storage": {"graph": "/x"}}'), ['1:20 /extra-storage/graph unknown-key error'], 'only at the top level');
});

V('messages say what the engine does: a flag-only setting, an empty api-cors-header, tlsverify true or false', () => {
  const one = (text: string) => validateDaemonConfig(text, { schema: SCHEMAS.v28 })[0] as Finding;
  const plugins = one('{"containerd-plugins-namespace": "p"}');
  assert.is(plugins.suggestion, undefined, 'containerd-namespace is another setting');
  assert.match(plugins.message, /cannot be set from daemon\.json.*pass --containerd-plugins-namespace to dockerd/);
  const cors = one('{"api-cors-header": ""}');
  assert.equal([cors.keyword, cors.severity], ['deprecated', 'warning']);
  assert.not.match(cors.message, /refuses to start/);
  assert.match(one('{"tlsverify": true}').message, /^"tlsverify": true turns TLS on/);
  assert.match(one('{"tlsverify": false}').message, /even as false.*remove tlsverify/);
  assert.not.match(one('{"tls": true, "tlsverify": false}').message, /remove tlsverify/, 'tls: true keeps TLS on');
});

V('a TCP listener without client certificates gets the warning dockerd prints; with tlsverify it does not', () => {
  const hosts = '"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375", "127.0.0.1:2375"]';
  const f = validateDaemonConfig(`{${hosts}}`, { schema: SCHEMAS.v28 });
  assert.equal(f.map((x) => [x.pointer, x.rule, x.severity]), [['/hosts/1', 'hosts', 'warning'], ['/hosts/2', 'hosts', 'warning']]);
  assert.match(f[0]?.message ?? '', /Binding to IP address without --tlsverify is insecure.*waits 15 s/);
  assert.not.match(f[1]?.message ?? '', /15 s/, 'loopback: no wait');
  const tls = '"tlscert": "/etc/docker/cert.pem", "tlskey": "/etc/docker/key.pem"';
  assert.equal(validateDaemonConfig(`{${hosts}, "tlsverify": true, ${tls}}`, { schema: SCHEMAS.v28 }), []);
  assert.equal(validateDaemonConfig(`{${hosts}, "tls": true, ${tls}}`, { schema: SCHEMAS.v28 }), [], 'tls alone verifies clients');
  assert.equal(validateDaemonConfig(`{${hosts}, "tls": true, "tlsverify": false, ${tls}}`, { schema: SCHEMAS.v28 }).length, 2);
});

V.run();
