/**
 * The few distribution v2 API calls that craft a repository on the e2e's loopback registry: read a
 * pushed manifest, mount a blob from another repository, upload a blob, put a manifest. Plain HTTP
 * (the registry listens on 127.0.0.1 only), every call bounded and cancelled with the e2e.
 */
import { parseAccessLog } from '../bench/registry-log.ts';
import { RegistryApiError } from './errors.ts';
import { MEDIA } from './registry-craft.ts';

const CALL_TIMEOUT_MS = 30_000;

async function call(method: string, url: string, expect: number, signal: AbortSignal, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  const response = await fetch(url, { method, ...init, signal: AbortSignal.any([signal, AbortSignal.timeout(CALL_TIMEOUT_MS)]) });
  if (response.status !== expect) throw new RegistryApiError(method, url, response.status, await response.text());
  return response;
}

export interface RegistryRepo {
  /** 127.0.0.1:PORT */
  address: string;
  name: string;
}

const base = (repo: RegistryRepo) => `http://${repo.address}/v2/${repo.name}`;

export async function getManifest(repo: RegistryRepo, tag: string, signal: AbortSignal): Promise<string> {
  const response = await call('GET', `${base(repo)}/manifests/${tag}`, 200, signal, { headers: { Accept: MEDIA.manifest } });
  return response.text();
}

/** Makes `digest` a blob of repo without a transfer (the registry answers 201 Created for a mount). */
export async function mountBlob(repo: RegistryRepo, digest: string, from: string, signal: AbortSignal): Promise<void> {
  await call('POST', `${base(repo)}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, 201, signal);
}

/** A monolithic upload: POST opens the session, PUT to its Location with ?digest= closes it. */
export async function uploadBlob(repo: RegistryRepo, bytes: string, digest: string, signal: AbortSignal): Promise<void> {
  const opened = await call('POST', `${base(repo)}/blobs/uploads/`, 202, signal);
  const location = opened.headers.get('location');
  if (!location) throw new RegistryApiError('POST', `${base(repo)}/blobs/uploads/`, 202, 'no Location header');
  const url = new URL(location, `http://${repo.address}`);
  url.searchParams.set('digest', digest);
  await call('PUT', url.toString(), 201, signal, { headers: { 'Content-Type': 'application/octet-stream' }, body: bytes });
}

export async function putManifest(repo: RegistryRepo, tag: string, manifest: string, signal: AbortSignal): Promise<void> {
  await call('PUT', `${base(repo)}/manifests/${tag}`, 201, signal, { headers: { 'Content-Type': MEDIA.manifest }, body: manifest });
}

/**
 * The manifest requests for repository `name` in docker-registry's access log ("GET
 * /v2/NAME/manifests/REF"), each as "METHOD REF": how the e2e counts what a pull asked for.
 */
export function manifestRequests(accessLog: string, name: string): string[] {
  const prefix = `/v2/${name}/manifests/`;
  return parseAccessLog(accessLog)
    .filter((r) => (r.method === 'GET' || r.method === 'HEAD') && r.path.startsWith(prefix))
    .map((r) => `${r.method} ${r.path.slice(prefix.length)}`);
}
