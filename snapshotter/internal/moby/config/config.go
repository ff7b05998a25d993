// Package config stands in for the part of moby's daemon/config that the
// generated copy of the engine's extra_storage.go (gen_extra_storage.go)
// refers to. Only the copy's own code is used here.
package config

// Config holds what the copied validateExtraStorage reads of dockerd's
// configuration.
type Config struct {
	ExtraStorage *ExtraStorageConfig
	Features     map[string]bool
	GraphDriver  string
}
