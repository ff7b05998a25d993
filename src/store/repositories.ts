/**
 * image/overlay2/repositories.json as the engine reads it (extrastorage/resolve.go
 * lookupRepositories): `{"Repositories": {repo: {key: imageID}}}`, keys compared as normalized
 * references, one image ID per name. Pure: bytes in, tags and findings out.
 */
import { finding, type StoreFinding } from './finding.ts';
import { REPOSITORIES_JSON, SHA256_DIGEST } from './limits.ts';
import { parseNormalizedNamed, pullName, type Reference } from './reference.ts';

/** A key of repositories.json a pull can name: NAME:TAG, no digest. */
export interface StoreTag {
  /** The key as written (busybox:latest). */
  key: string;
  ref: Reference & { tag: string };
  imageId: string;
  /** What to `docker pull`, or undefined when no pull name can reach it. */
  pullName: string | undefined;
}

export interface Repositories {
  tags: StoreTag[];
  /** Keys with a digest (NAME@sha256:…), which `docker pull` of a -extra tag never reads. */
  digestKeys: { key: string; imageId: string }[];
  findings: StoreFinding[];
}

export function parseRepositories(bytes: Uint8Array): Repositories {
  const out: Repositories = { tags: [], digestKeys: [], findings: [] };
  const fail = (message: string) => ({ ...out, findings: [finding(REPOSITORIES_JSON, 'repositories-json', message)] });
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    return fail(`not valid JSON: ${(error as Error).message}`);
  }
  if (doc === null) return out;
  if (!isObject(doc)) return fail('not a JSON object with a "Repositories" key');
  // encoding/json matches field names case-insensitively, an exact match first.
  const field = 'Repositories' in doc ? 'Repositories' : Object.keys(doc).find((k) => k.toLowerCase() === 'repositories');
  const repos = field === undefined ? null : doc[field];
  if (repos === null || repos === undefined) return out;
  if (!isObject(repos)) return fail('"Repositories" is not an object of repositories');
  for (const [repo, tags] of Object.entries(repos)) {
    if (tags === null) continue;
    if (!isObject(tags)) return fail(`repository ${JSON.stringify(repo)} is not an object of tags`);
    for (const [key, id] of Object.entries(tags)) {
      if (typeof id !== 'string') return fail(`the image ID of ${JSON.stringify(key)} is not a string`);
      addKey(out, key, id);
    }
  }
  out.findings.push(...ambiguousNames(out.tags));
  return out;
}

function addKey(out: Repositories, key: string, id: string): void {
  const ref = parseNormalizedNamed(key);
  if (typeof ref === 'string') {
    out.findings.push(finding(REPOSITORIES_JSON, 'reference', `key ${JSON.stringify(key)} is ignored by the engine: ${ref}`));
    return;
  }
  if (ref.digest !== undefined) {
    if (ref.tag === undefined) out.digestKeys.push({ key, imageId: id });
    return;
  }
  if (ref.tag === undefined) {
    out.findings.push(finding(REPOSITORIES_JSON, 'reference', `key ${JSON.stringify(key)} has no tag, so no pull names it`));
    return;
  }
  const tagged = { ...ref, tag: ref.tag };
  if (!SHA256_DIGEST.test(id)) {
    out.findings.push(finding(REPOSITORIES_JSON, 'image-id', `image ID ${JSON.stringify(id)} of ${key} is not a sha256 digest (sha256: and 64 lowercase hex)`));
    return;
  }
  const name = pullName(tagged);
  if (name === undefined) out.findings.push(finding(REPOSITORIES_JSON, 'reference', `tag ${JSON.stringify(ref.tag)} of ${key} is too long to add -extra to, so no pull names it`));
  out.tags.push({ key, ref: tagged, imageId: id, pullName: name });
}

/** A name the store gives two image IDs is refused by the engine rather than picked by map order. */
function ambiguousNames(tags: readonly StoreTag[]): StoreFinding[] {
  const byName = new Map<string, Set<string>>();
  for (const t of tags) {
    const full = `${t.ref.name}:${t.ref.tag}`;
    byName.set(full, (byName.get(full) ?? new Set()).add(t.imageId));
  }
  return [...byName]
    .filter(([, ids]) => ids.size > 1)
    .map(([name, ids]) => finding(REPOSITORIES_JSON, 'ambiguous-name', `${name} is given ${ids.size} image IDs (${[...ids].join(', ')}); the engine refuses to pick one`));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
