import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { archiveManifest, chainIds, goArch, imageConfig, parseSavedManifest } from '../../src/e2e/docker-archive.ts';
import { sha256 } from '../../src/digest.ts';

const Archive = suite('e2e/docker-archive');
const d1 = 'a'.repeat(64);
const d2 = 'b'.repeat(64);

Archive('the chainID of the first layer is its diffID, the next ones chain with a space', () => {
  const chain = chainIds([d1, d2]);
  assert.is(chain[0], d1);
  assert.is(chain[1], sha256(`sha256:${d1} sha256:${d2}`));
  assert.equal(chainIds([]), []);
});

Archive('the config lists every diffID with its algorithm, in order, and is byte-stable', () => {
  const options = { architecture: 'amd64', cmd: ['/bin/sh'], env: ['PATH=/bin'] };
  const text = imageConfig([d1, d2], options);
  const parsed = JSON.parse(text);
  assert.equal(parsed.rootfs, { type: 'layers', diff_ids: [`sha256:${d1}`, `sha256:${d2}`] });
  assert.is(parsed.history.length, 2);
  assert.is(parsed.os, 'linux');
  assert.is(imageConfig([d1, d2], options), text);
  assert.is.not(imageConfig([d2, d1], options), text);
});

Archive('manifest.json names the config, the tags and the layers', () => {
  const text = archiveManifest([{ configFile: 'c.json', repoTags: ['e2e/x:v1'], layerFiles: [`${d1}/layer.tar`] }]);
  assert.equal(JSON.parse(text), [{ Config: 'c.json', RepoTags: ['e2e/x:v1'], Layers: [`${d1}/layer.tar`] }]);
  assert.equal(parseSavedManifest(text), [{ config: 'c.json', repoTags: ['e2e/x:v1'], layers: [`${d1}/layer.tar`] }]);
});

Archive('a saved manifest that is not an array is rejected', () => {
  assert.throws(() => parseSavedManifest('{}'), /not an array/);
});

Archive('Node architectures map to Go names', () => {
  assert.is(goArch('x64'), 'amd64');
  assert.is(goArch('arm64'), 'arm64');
});

Archive.run();
