// Package extrastorage is the engine's extra-storage package
// (full/<engine>/daemon/extrastorage), copied here by storesync as the
// gen_*.go files, plus the snapshotter's own chain.go: the snapshotter reads
// and judges a store by the engine's very rules.
package extrastorage

//go:generate go run ../storesync/cmd/storesync -module ../..
