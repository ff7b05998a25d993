package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
)

// DefaultExtraStoragePath is where the extra storage is looked for (and
// mounted, when a device is configured) when "path" is not set.
const DefaultExtraStoragePath = "/var/lib/docker/extra"

// Verify modes of the extra storage. VerifyContent, the default, hashes each
// layer against its diffID the first time a host links it; VerifyTrusted
// skips that for a store the administrator controls.
const (
	VerifyContent = "content"
	VerifyTrusted = "trusted"
)

// ExtraStorageConfig is the "extra-storage" section of daemon.json: a
// read-only dockerd data-root (overlay2) whose layers are linked, never
// copied, when an image is pulled as NAME:TAG-extra.
type ExtraStorageConfig struct {
	Path string `json:"path,omitempty"`
	// Device is mounted at Path when set: a block device, a network
	// filesystem's source, or a regular file holding a filesystem image
	// (erofs, ext4, squashfs; `store pack` makes one), which the daemon
	// attaches to a loop device of its own, read-only.
	Device  string `json:"device,omitempty"`
	Type    string `json:"type,omitempty"`
	Options string `json:"options,omitempty"`
	Verify  string `json:"verify,omitempty"`
}

// VerifyMode returns the configured verify mode, or the default one.
func (c *ExtraStorageConfig) VerifyMode() string {
	if c.Verify == "" {
		return VerifyContent
	}
	return c.Verify
}

// VerifyContent reports whether layers are hashed when first linked.
func (c *ExtraStorageConfig) VerifyContent() bool {
	return c.VerifyMode() == VerifyContent
}

// StorePath returns the configured path, or the default one.
func (c *ExtraStorageConfig) StorePath() string {
	if c.Path == "" {
		return DefaultExtraStoragePath
	}
	return filepath.Clean(c.Path)
}

// Validate checks the section on its own (no file system access).
func (c *ExtraStorageConfig) Validate() error {
	if c.Path != "" && !filepath.IsAbs(c.Path) {
		return fmt.Errorf("extra-storage: path %q must be an absolute path", c.Path)
	}
	if c.Path != "" && filepath.Clean(c.Path) == "/" {
		return fmt.Errorf("extra-storage: path must not be the root directory \"/\"")
	}
	if (c.Device == "") != (c.Type == "") {
		return fmt.Errorf("extra-storage: device and type must be set together (device %q, type %q)", c.Device, c.Type)
	}
	if c.Verify != "" && c.Verify != VerifyContent && c.Verify != VerifyTrusted {
		return fmt.Errorf("extra-storage: verify %q must be %q or %q", c.Verify, VerifyContent, VerifyTrusted)
	}
	if c.Options != "" && c.Device == "" {
		return fmt.Errorf("extra-storage: options %q need a device and type to mount", c.Options)
	}
	return nil
}

// validateExtraStorage checks the section and that the daemon can serve it:
// on the containerd image store, its snapshotter must be able to link the
// store's layers.
func validateExtraStorage(conf *Config) error {
	if conf.ExtraStorage == nil {
		return nil
	}
	if err := conf.ExtraStorage.Validate(); err != nil {
		return err
	}
	if conf.Features["containerd-snapshotter"] {
		return CheckExtraSnapshotter(conf.GraphDriver)
	}
	return nil
}

// unlinkingSnapshotters are containerd's own snapshotters, and the graph
// drivers a daemon.json may still name: none of them can link a layer from
// the store.
var unlinkingSnapshotters = map[string]bool{
	"overlayfs": true, "native": true, "btrfs": true, "zfs": true, "devmapper": true,
	"blockfile": true, "erofs": true, "aufs": true, "windows": true,
	"overlay2": true, "fuse-overlayfs": true, "vfs": true, "devicemapper": true, "windowsfilter": true,
}

// CheckExtraSnapshotter refuses a snapshotter (the storage-driver of a
// daemon on the containerd image store) that cannot serve extra-storage:
// none, one of containerd's built-ins, or a graph driver. extra-snapshotter
// is a proxy plugin whose name containerd's configuration chooses, so any
// other name may be it.
func CheckExtraSnapshotter(snapshotter string) error {
	if snapshotter != "" && !unlinkingSnapshotters[snapshotter] {
		return nil
	}
	what := "no storage-driver"
	if snapshotter != "" {
		what = fmt.Sprintf("storage-driver %q, which cannot link the store's layers", snapshotter)
	}
	return fmt.Errorf("extra-storage on the containerd image store needs extra-snapshotter, but daemon.json sets %s: "+
		`run extra-snapshotter as containerd's proxy plugin "extra" and set "storage-driver": "extra", or set "features": {"containerd-snapshotter": false}`, what)
}

// UnmarshalJSON refuses keys it does not know, so a misspelt "path" is an
// error rather than a silently default store.
func (c *ExtraStorageConfig) UnmarshalJSON(data []byte) error {
	type plain ExtraStorageConfig
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("extra-storage: %w (known keys: path, device, type, options, verify)", err)
	}
	*c = ExtraStorageConfig(p)
	return nil
}
