// Package layer stands in for the identifiers of moby's layer package that
// the generated copies of the engine's extra-storage code name. They are
// named types, as in moby v28, so code written for both engine lines
// compiles the same here.
package layer

import "github.com/opencontainers/go-digest"

// ChainID is the digest of a layer and all its parents.
type ChainID digest.Digest

// String returns the chain ID as a string.
func (id ChainID) String() string { return string(id) }

// DiffID is the digest of a layer's uncompressed tar.
type DiffID digest.Digest

// String returns the diff ID as a string.
func (id DiffID) String() string { return string(id) }
