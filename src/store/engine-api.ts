/**
 * `docker load` and `docker save` over the Engine API on a unix socket. The CLI turns load's progress
 * off when its output is not a terminal; `store add` wants every layer's progress whatever the output,
 * and streams a save from one daemon into a load on another without a file between, so these two
 * calls speak HTTP to the socket themselves. Each message of the load stream is handed on as it comes.
 */
import { request, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

/** One message of the load stream, as the engine sends it (jsonmessage). */
export interface LoadMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

export class EngineApiError extends Error {
  constructor(
    readonly call: string,
    readonly statusCode: number | undefined,
    readonly reason: string,
  ) {
    super(`${call}: ${reason}`);
    this.name = 'EngineApiError';
  }
}

/** What `docker load` printed as "Loaded image: NAME:TAG" / "Loaded image ID: sha256:…". */
export function loadedNames(messages: readonly LoadMessage[]): { tags: string[]; ids: string[] } {
  const tags: string[] = [];
  const ids: string[] = [];
  for (const m of messages) {
    for (const line of (m.stream ?? '').split('\n')) {
      const id = /^Loaded image ID: (sha256:[0-9a-f]{64})$/.exec(line.trim());
      const tag = /^Loaded image: (\S+)$/.exec(line.trim());
      if (id) ids.push(id[1]!);
      else if (tag) tags.push(tag[1]!);
    }
  }
  return { tags, ids };
}

/** Splits a stream of concatenated JSON objects (one per line) into messages. */
export function parseMessages(text: string): { messages: LoadMessage[]; rest: string } {
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  const messages = lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as LoadMessage);
  return { messages, rest };
}

/** POSTs a tar to /images/load; resolves with every message once the engine is done, rejects on its error. */
export async function loadImages(socket: string, body: Readable, onMessage: (m: LoadMessage) => void, signal: AbortSignal): Promise<LoadMessage[]> {
  const res = await call(socket, 'POST', '/images/load?quiet=0', signal, { 'Content-Type': 'application/x-tar' }, body);
  const all: LoadMessage[] = [];
  let pending = '';
  for await (const chunk of res) {
    const { messages, rest } = parseMessages(pending + String(chunk));
    pending = rest;
    for (const m of messages) {
      all.push(m);
      if (m.error || m.errorDetail) throw new EngineApiError('docker load', res.statusCode, m.errorDetail?.message ?? m.error ?? 'failed');
      onMessage(m);
    }
  }
  if (pending.trim()) all.push(...parseMessages(`${pending}\n`).messages);
  return all;
}

/** GET /images/get: the `docker save` tar of the named images, as a stream. */
export async function saveImages(socket: string, names: readonly string[], signal: AbortSignal): Promise<IncomingMessage> {
  const query = names.map((n) => `names=${encodeURIComponent(n)}`).join('&');
  return call(socket, 'GET', `/images/get?${query}`, signal, {});
}

function call(socket: string, method: string, path: string, signal: AbortSignal, headers: Record<string, string>, body?: Readable): Promise<IncomingMessage> {
  const what = `${method} ${path} on ${socket}`;
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers, signal }, (res) => {
      if ((res.statusCode ?? 500) < 300) return resolve(res);
      let text = '';
      res.on('data', (c) => (text += String(c)));
      res.on('end', () => reject(new EngineApiError(what, res.statusCode, errorMessage(text))));
    });
    req.on('error', (error: NodeJS.ErrnoException) => reject(new EngineApiError(what, undefined, error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? `no dockerd answers at ${socket}` : error.message)));
    if (body) {
      body.on('error', (error) => req.destroy(error));
      body.pipe(req);
    } else req.end();
  });
}

function errorMessage(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text.trim();
  } catch {
    return text.trim();
  }
}
