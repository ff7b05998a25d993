/** parseDiffIds and platformOf: what the engine needs from an image config, and the platform a -extra pull must ask for. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDiffIds, platformOf } from '../../src/store/image-config.ts';

const test = suite('image config');
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));
const D = `sha256:${'a'.repeat(64)}`;

test('diffIDs: present, 1 to 125, each sha256; otherwise why not', () => {
  assert.equal(parseDiffIds(bytes({ rootfs: { type: 'layers', diff_ids: [D] } })), [D]);
  assert.is(parseDiffIds(bytes({ os: 'linux' })), 'image config has no rootfs');
  assert.is(parseDiffIds(bytes({ rootfs: { diff_ids: null } })), 'image config has no layers');
  assert.match(parseDiffIds(bytes({ rootfs: { diff_ids: ['sha512:00'] } })) as string, /^diffID 0 "sha512:00" is not a sha256 digest/);
  assert.match(parseDiffIds(Buffer.from('[')) as string, /^not an image config: /);
});

test('platform: os/architecture[/variant], linux when os is empty, none without an architecture', () => {
  assert.is(platformOf(bytes({ os: 'linux', architecture: 'arm', variant: 'v7' })), 'linux/arm/v7');
  assert.is(platformOf(bytes({ architecture: 'amd64' })), 'linux/amd64');
  assert.is(platformOf(bytes({ os: 'linux' })), undefined);
  assert.is(platformOf(bytes({ os: 'linux', architecture: 'amd64 --privileged' })), undefined);
});

test.run();
