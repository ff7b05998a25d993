/**
 * Image references as the engine reads repositories.json keys (distribution/reference
 * ParseNormalizedNamed, the grammar of reference/regexp.go) and the pull name that asks for one of
 * them from the store (extrastorage/tag.go ExtraTag, read backwards).
 */

const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[(?:[a-fA-F0-9:]+)\\])`;
const domain = `${host}(?::[0-9]+)?`;
const TAG = /^[\w][\w.-]{0,127}$/;
const REFERENCE = new RegExp(
  `^((?:${domain}/)?${pathComponent}(?:/${pathComponent})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** reference.go NameTotalLengthMax. */
const NAME_MAX = 255;
const DEFAULT_DOMAIN = 'docker.io';

/** A repositories.json key, parsed: name is normalized (docker.io/library/busybox). */
export interface Reference {
  name: string;
  tag?: string;
  digest?: string;
}

/** The parsed key, or why the engine ignores it (it never matches a pull). */
export function parseNormalizedNamed(key: string): Reference | string {
  if (IDENTIFIER.test(key)) return 'a bare image ID, not a name';
  const slash = key.indexOf('/');
  let [dom, rest] = [DEFAULT_DOMAIN, key];
  const first = slash === -1 ? '' : key.slice(0, slash);
  if (slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) [dom, rest] = [first, key.slice(slash + 1)];
  if (dom === 'index.docker.io') dom = DEFAULT_DOMAIN;
  if (dom === DEFAULT_DOMAIN && !rest.includes('/')) rest = `library/${rest}`;
  const remote = rest.split(/[:@]/)[0] ?? '';
  if (remote.toLowerCase() !== remote) return 'the repository name must be lowercase';
  const match = REFERENCE.exec(`${dom}/${rest}`);
  if (!match) return 'not a valid image reference';
  const name = match[1]!;
  if (name.length > NAME_MAX) return `the name is longer than ${NAME_MAX} characters`;
  return { name, ...(match[2] ? { tag: match[2] } : {}), ...(match[3] ? { digest: match[3] } : {}) };
}

/** reference.FamiliarName: docker.io/library/busybox → busybox, docker.io/me/app → me/app. */
export function familiarName(name: string): string {
  const prefix = `${DEFAULT_DOMAIN}/`;
  if (!name.startsWith(prefix)) return name;
  const rest = name.slice(prefix.length);
  return rest.startsWith('library/') && rest.split('/').length === 2 ? rest.slice('library/'.length) : rest;
}

/**
 * What to `docker pull` to get NAME:TAG from the store: NAME:extra for latest, else NAME:TAG-extra;
 * undefined when TAG-extra would be longer than a tag may be (then nothing pulls it).
 */
export function pullName(ref: Reference & { tag: string }): string | undefined {
  const tag = ref.tag === 'latest' ? 'extra' : `${ref.tag}-extra`;
  return TAG.test(tag) ? `${familiarName(ref.name)}:${tag}` : undefined;
}
