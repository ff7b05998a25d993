/**
 * The fixture patch set the patchset suites share: a tiny moby-like tree (invented content under
 * moby's paths), four patches written out as text (two of them on the same file, one ending a file
 * without a final newline), two full/ files, and the patched contents expected, written by hand so
 * that the engine is checked against an independent answer.
 */
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../../src/digest.ts';
import { formatManifest, type Manifest } from '../../src/patchset/manifest.ts';
import { makeRepo, tempDir, writeFiles } from '../helpers.ts';

export const BASE_TAG = 'v28.5.2';

/** The tree at the base tag. */
export const BASE: Record<string, string> = {
  'cmd/dockerd/options.go': `package main

func installFlags() {
\tflags.StringVar(&conf.Root, "data-root", "", "Root directory")
}`,
  'daemon/config/config.go': `package config

// Config is what daemon.json holds.
type Config struct {
\tRoot     string \`json:"data-root,omitempty"\`
\tExecRoot string \`json:"exec-root,omitempty"\`
\tDebug    bool   \`json:"debug,omitempty"\`
}
`,
  'daemon/daemon.go': `package daemon

import (
\t"context"
\t"fmt"
)

// Daemon holds the state of the engine.
type Daemon struct {
\troot string
\tid   string
}

// NewDaemon sets up everything the daemon needs.
func NewDaemon(ctx context.Context, root string) (*Daemon, error) {
\td := &Daemon{root: root}
\tif err := d.setupLayers(ctx); err != nil {
\t\treturn nil, fmt.Errorf("layers: %w", err)
\t}
\treturn d, nil
}

func (d *Daemon) setupLayers(ctx context.Context) error {
\treturn nil
}
`,
  'vendor/github.com/moby/sys/mount/mount.go': `package mount

// Mount is vendored code the patch set never touches.
func Mount() error { return nil }
`,
  'Makefile': `all:
\thack/make.sh binary
`,
};

/** What the touched files must look like once the patch set is applied. */
export const PATCHED: Record<string, string> = {
  'cmd/dockerd/options.go': `package main

func installFlags() {
\tflags.StringVar(&conf.Root, "data-root", "", "Root directory")
\tflags.Var(&conf.ExtraStorage, "extra-storage", "Extra storage")
}
`,
  'daemon/config/config.go': `package config

// Config is what daemon.json holds.
type Config struct {
\tRoot     string \`json:"data-root,omitempty"\`
\tExecRoot string \`json:"exec-root,omitempty"\`
\tDebug    bool   \`json:"debug,omitempty"\`

\tExtraStorage ExtraStorage \`json:"extra-storage,omitempty"\`
}
`,
  'daemon/daemon.go': `package daemon

import (
\t"context"
\t"fmt"

\t"github.com/docker/docker/daemon/extrastore"
)

// Daemon holds the state of the engine.
type Daemon struct {
\troot string
\tid   string
\textra *extrastore.Store
}

// NewDaemon sets up everything the daemon needs.
func NewDaemon(ctx context.Context, root string) (*Daemon, error) {
\td := &Daemon{root: root}
\tif err := d.setupLayers(ctx); err != nil {
\t\treturn nil, fmt.Errorf("layers: %w", err)
\t}
\tif err := d.setupExtraStorage(ctx); err != nil {
\t\treturn nil, err
\t}
\treturn d, nil
}

func (d *Daemon) setupLayers(ctx context.Context) error {
\treturn nil
}
`,
};

/** patches/v28.5.2/*.patch, in series order. */
export const PATCHES: Record<string, string> = {
  '0001-cmd-dockerd-options.go.patch': `diff --git a/cmd/dockerd/options.go b/cmd/dockerd/options.go
--- a/cmd/dockerd/options.go
+++ b/cmd/dockerd/options.go
@@ -2,4 +2,5 @@ package main
 
 func installFlags() {
 \tflags.StringVar(&conf.Root, "data-root", "", "Root directory")
-}
\\ No newline at end of file
+\tflags.Var(&conf.ExtraStorage, "extra-storage", "Extra storage")
+}
`,
  '0002-daemon-config-config.go.patch': `diff --git a/daemon/config/config.go b/daemon/config/config.go
--- a/daemon/config/config.go
+++ b/daemon/config/config.go
@@ -5,4 +5,6 @@ type Config struct {
 \tRoot     string \`json:"data-root,omitempty"\`
 \tExecRoot string \`json:"exec-root,omitempty"\`
 \tDebug    bool   \`json:"debug,omitempty"\`
+
+\tExtraStorage ExtraStorage \`json:"extra-storage,omitempty"\`
 }
`,
  '0003-daemon-daemon.go.patch': `diff --git a/daemon/daemon.go b/daemon/daemon.go
--- a/daemon/daemon.go
+++ b/daemon/daemon.go
@@ -9,6 +9,7 @@ import (
 type Daemon struct {
 \troot string
 \tid   string
+\textra *extrastore.Store
 }
 
 // NewDaemon sets up everything the daemon needs.
@@ -17,6 +18,9 @@ func NewDaemon(ctx context.Context, root string) (*Daemon, error) {
 \tif err := d.setupLayers(ctx); err != nil {
 \t\treturn nil, fmt.Errorf("layers: %w", err)
 \t}
+\tif err := d.setupExtraStorage(ctx); err != nil {
+\t\treturn nil, err
+\t}
 \treturn d, nil
 }
 
`,
  '0004-daemon-daemon.go-import.patch': `diff --git a/daemon/daemon.go b/daemon/daemon.go
--- a/daemon/daemon.go
+++ b/daemon/daemon.go
@@ -3,6 +3,8 @@ package daemon
 import (
 \t"context"
 \t"fmt"
+
+\t"github.com/docker/docker/daemon/extrastore"
 )
 
 // Daemon holds the state of the engine.
`,
};

/** full/v28.5.2/ */
export const FULL: Record<string, string> = {
  'daemon/extrastore/store.go': `package extrastore

// Store is a read-only tree of ready-unpacked layers.
type Store struct {
\tRoot string
}
`,
  'daemon/extrastore/mount/mount_linux.go': `package mount

// Ensure mounts the store unless something is mounted there already.
func Ensure(path string) error { return nil }
`,
};

export interface ProjectOptions {
  patches?: Record<string, string>;
  /** Series order; default: the keys of `patches`. */
  series?: string[];
  full?: Record<string, string>;
  /** Patched contents used for the manifest; default PATCHED. */
  patched?: Record<string, string>;
  base?: Record<string, string>;
}

/** A project root holding patches/<tag>/ and full/<tag>/ with a manifest computed from the fixture. */
export async function makeProject(options: ProjectOptions = {}): Promise<string> {
  const patches = options.patches ?? PATCHES;
  const full = options.full ?? FULL;
  const patched = options.patched ?? PATCHED;
  const base = options.base ?? BASE;
  const root = await tempDir('dockerd-extra-project-');
  const touched = new Set<string>();
  for (const text of Object.values(patches)) {
    for (const m of text.matchAll(/^\+\+\+ b\/(.*)$/gm)) touched.add(m[1]!);
  }
  const manifest: Manifest = { base: BASE_TAG, release: 1, files: {}, full: {} };
  for (const path of touched) {
    manifest.files[path] = { base: sha256(base[path] ?? ''), patched: sha256(patched[path] ?? '') };
  }
  for (const [path, text] of Object.entries(full)) manifest.full[path] = sha256(text);
  const dir = join('patches', BASE_TAG);
  await writeFiles(root, {
    ...Object.fromEntries(Object.entries(patches).map(([name, text]) => [join(dir, name), text])),
    [join(dir, 'series')]: (options.series ?? Object.keys(patches)).map((n) => n + '\n').join(''),
    [join(dir, 'manifest.json')]: formatManifest(manifest),
    ...Object.fromEntries(Object.entries(full).map(([path, text]) => [join('full', BASE_TAG, path), text])),
  });
  for (const path of Object.keys(full)) await chmod(join(root, 'full', BASE_TAG, path), 0o644);
  return root;
}

/** A git repository holding the base tree, tagged v28.5.2. */
export async function makeTree(files: Record<string, string> = BASE): Promise<string> {
  return makeRepo(files, BASE_TAG);
}
