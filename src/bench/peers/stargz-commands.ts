/**
 * The stargz column's command lines and names, as pure functions: where the eStargz copy of the
 * image goes in the registry, and the ctr / ctr-remote calls that convert, push, lazily pull and run.
 */

/** The containerd namespace every call of the column uses. */
export const NAMESPACE = 'dockerd-extra-bench';
/** The name of the stargz snapshotter in containerd's config and on `--snapshotter`. */
export const SNAPSHOTTER = 'stargz';
/** Where in the registry the eStargz copies go. */
export const ESGZ_REPOSITORY_PREFIX = 'esgz/';

/**
 * The reference of the eStargz copy: the image's repository path and tag (without the registry host
 * it names, if any) under `esgz/` in `registry`. A repository of its own, so that the registry's
 * access log tells the stargz column's requests from the registry column's and the extra pull's.
 */
export function esgzRef(registry: string, imageRef: string): string {
  if (imageRef.includes('@')) throw new RangeError(`${imageRef} is pinned by digest; the eStargz copy needs a tag`);
  const slash = imageRef.indexOf('/');
  const first = slash < 0 ? '' : imageRef.slice(0, slash);
  // The first component is a registry host when it has a dot or a port, or is localhost (as docker reads it).
  const path = first && (/[.:]/.test(first) || first === 'localhost') ? imageRef.slice(slash + 1) : imageRef;
  const colon = path.lastIndexOf(':');
  const [repo, tag] = colon > path.lastIndexOf('/') ? [path.slice(0, colon), path.slice(colon + 1)] : [path, 'latest'];
  if (!repo || !tag) throw new RangeError(`cannot read a repository and tag from ${imageRef}`);
  return `${registry}/${ESGZ_REPOSITORY_PREFIX}${repo}:${tag}`;
}

const ctr = (address: string, ...args: string[]) => ['--address', address, '--namespace', NAMESPACE, ...args];

/** Puts the docker-save archive in the content store only: conversion reads blobs, it needs no unpacked layers. */
export const importArgs = (address: string, archive: string) => ctr(address, 'images', 'import', '--no-unpack', archive);

/** eStargz without the optimizer's profiling run (no workload is recorded), OCI media types. */
export const convertArgs = (address: string, from: string, to: string) => ctr(address, 'images', 'convert', '--estargz', '--oci', from, to);

export const pushArgs = (address: string, ref: string) => ctr(address, 'images', 'push', '--plain-http', ref);

/** The lazy pull: manifest, config and each layer's table of contents; file contents come at run time. */
export const rpullArgs = (address: string, ref: string) => ctr(address, 'images', 'rpull', '--plain-http', ref);

/** `ctr run` has no network unless asked (`--net-host` or CNI): the container gets an empty network namespace. */
export const runArgs = (address: string, ref: string, id: string, probe: readonly string[]) =>
  ctr(address, 'run', '--rm', '--snapshotter', SNAPSHOTTER, ref, id, ...probe);

/** Every blob in the content store, one digest a line. */
export const contentArgs = (address: string) => ctr(address, 'content', 'ls', '--quiet');

/**
 * Why a pull was not lazy, or undefined when it was. The column pushes a single-platform image (no
 * index), so a lazy pull stores exactly two blobs, the manifest and the config; when the snapshotter
 * cannot mount a layer from the registry, containerd quietly downloads it instead and the column
 * would be timing an ordinary pull.
 */
export function notLazyReason(contentList: string): string | undefined {
  const blobs = contentList.split('\n').filter((line) => line.trim()).length;
  return blobs > 2 ? `the pull stored ${blobs} blobs where a lazy pull stores 2 (manifest and config): ${blobs - 2} layer(s) were downloaded, not mounted from the registry` : undefined;
}
