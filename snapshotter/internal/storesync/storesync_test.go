package storesync

import (
	"os"
	"path/filepath"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// moduleRoot is this module's root, seen from this package's directory.
const moduleRoot = "../.."

func TestGeneratedCopiesAreCurrent(t *testing.T) {
	daemonDir := filepath.Join(moduleRoot, "..", "full", Engine, "daemon")
	bad, err := Check(daemonDir, moduleRoot)
	assert.NilError(t, err)
	assert.Check(t, is.Len(bad, 0), "stale generated files %v: run `make generate` in snapshotter/", bad)
}

func TestRewriteReplacesMobyImports(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"beneath", `import "github.com/docker/docker/daemon/extrastorage/beneath"`, `"` + Module + `/internal/extrastorage/beneath"`},
		{"layer", `import "github.com/docker/docker/layer"`, `"` + Module + `/internal/moby/layer"`},
		{"other imports stay", `import "github.com/opencontainers/go-digest"`, `"github.com/opencontainers/go-digest"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Rewrite("x.go", []byte("package x\n\n"+tc.src+"\n\nvar _ = 0\n"))
			assert.NilError(t, err)
			assert.Check(t, is.Contains(string(out), tc.want))
			assert.Check(t, is.Contains(string(out), "DO NOT EDIT"))
		})
	}
}

func TestRewriteRefusesAMobyImportWithoutStandIn(t *testing.T) {
	_, err := Rewrite("x.go", []byte("package x\n\nimport \"github.com/docker/docker/errdefs\"\n"))
	assert.Check(t, is.ErrorContains(err, "github.com/docker/docker/errdefs"))
}

func TestSyncRemovesCopiesNoLongerListed(t *testing.T) {
	daemon, root := t.TempDir(), t.TempDir()
	for _, c := range Files {
		assert.NilError(t, os.MkdirAll(filepath.Join(daemon, filepath.Dir(c.From)), 0o755))
		assert.NilError(t, os.WriteFile(filepath.Join(daemon, c.From), []byte("package p\n"), 0o644))
	}
	old := filepath.Join(root, "internal/extrastorage", Prefix+"gone.go")
	assert.NilError(t, os.MkdirAll(filepath.Dir(old), 0o755))
	assert.NilError(t, os.WriteFile(old, []byte("package p\n"), 0o644))

	assert.NilError(t, Sync(daemon, root))
	_, err := os.Stat(old)
	assert.Check(t, os.IsNotExist(err))
	bad, err := Check(daemon, root)
	assert.NilError(t, err)
	assert.Check(t, is.Len(bad, 0))
}
