import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeRequest, egressBytes, parseAccessLog } from '../../src/bench/registry-log.ts';
import { registryConfig } from '../../src/bench/registry.ts';

const Log = suite('bench/registry-log');

// As Debian's docker-registry 2.8.2 writes them: its own messages and one access line per request.
const LOG = [
  'time="2026-12-06T13:51:58.965Z" level=info msg="listening on 127.0.0.1:5799" go.version=go1.19.8',
  '127.0.0.1 - - [06/Dec/2026:13:52:00 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "docker/28.5.2 go/go1.24"',
  'time="2026-12-06T13:52:00.472Z" level=error msg="response completed with error" err.code="manifest unknown" http.request.method=GET http.request.uri=/v2/x/manifests/y',
  '127.0.0.1 - - [06/Dec/2026:13:52:00 +0000] "HEAD /v2/bench/scaled/manifests/10x64M HTTP/1.1" 200 - "" "docker/28.5.2"',
  '127.0.0.1 - - [06/Dec/2026:13:52:01 +0000] "GET /v2/bench/scaled/blobs/sha256:aa HTTP/1.1" 200 7340032 "" "docker/28.5.2"',
  '',
].join('\n');

Log('access lines become requests; the registry\'s own messages are not requests', () => {
  const requests = parseAccessLog(LOG);
  assert.equal(requests, [
    { method: 'GET', path: '/v2/', status: 200, bytes: 2 },
    { method: 'HEAD', path: '/v2/bench/scaled/manifests/10x64M', status: 200, bytes: 0 },
    { method: 'GET', path: '/v2/bench/scaled/blobs/sha256:aa', status: 200, bytes: 7340032 },
  ]);
});

Log('egress is the sum of response bytes', () => {
  assert.is(egressBytes(parseAccessLog(LOG)), 7340034);
  assert.is(egressBytes([]), 0);
});

Log('a request is named by method, path and status', () => {
  assert.is(describeRequest({ method: 'GET', path: '/v2/', status: 401, bytes: 0 }), 'GET /v2/ 401');
});

Log('a window cut in the middle of a line does not invent a request', () => {
  assert.equal(parseAccessLog('GET /v2/ HTTP/1.1" 200 2 "" "x"\n'), []);
});

Log('the registry is configured with its access log on', () => {
  assert.match(registryConfig('/d', '127.0.0.1:1'), /accesslog:\n\s+disabled: false/);
});

Log.run();
