// Package extrastorage serves NAME:TAG-extra pulls from a read-only dockerd
// data-root (overlay2) shared between hosts. It reads and validates the
// store; it never writes to it.
package extrastorage

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/containerd/log"
	"github.com/docker/docker/daemon/config"
)

// probeTimeout bounds the start-up look at the store: a hung network
// filesystem must not hang the daemon's start-up (a variable for tests).
var probeTimeout = 5 * time.Second

// graphDir is where a dockerd data-root keeps the overlay2 image metadata.
const graphDir = "image/overlay2"

// Store is an extra storage as configured. Its zero value is not usable;
// use Open or New.
type Store struct {
	path      string
	mountedBy bool // true when this daemon mounted it, so Close unmounts
}

// New returns a store at path without mounting anything.
func New(path string) *Store {
	return &Store{path: filepath.Clean(path)}
}

// Open returns the store configured in cfg, mounting its device first when
// one is configured. A nil cfg means the feature is off (nil, nil). A store
// that is absent or fails to mount does not stop the daemon: every pull from
// it then fails with an UnavailableError naming the path.
func Open(ctx context.Context, cfg *config.ExtraStorageConfig) (*Store, error) {
	if cfg == nil {
		return nil, nil
	}
	s := New(cfg.StorePath())
	logger := log.G(ctx).WithField("path", s.path)
	if cfg.Device != "" {
		mounted, err := mountStore(ctx, s.path, cfg.Device, cfg.Type, cfg.Options)
		if err != nil {
			logger.WithError(err).Error("extra storage: mount failed; NAME:TAG-extra pulls will fail until it is mounted")
			return s, nil
		}
		s.mountedBy = mounted
		logger = logger.WithFields(log.Fields{"device": cfg.Device, "type": cfg.Type, "mounted-by-dockerd": mounted})
	}
	if answered, err := withTimeout(probeTimeout, func() error { _, err := s.root(); return err }); !answered {
		logger.WithField("timeout", probeTimeout).Warn("extra storage: store did not answer in time (hung network filesystem?); continuing, NAME:TAG-extra pulls may fail")
		return s, nil
	} else if err != nil {
		logger.WithError(err).Warn("extra storage: store not readable yet; NAME:TAG-extra pulls will fail until it is")
		return s, nil
	}
	logger.Info("extra storage: serving NAME:TAG-extra pulls from this store")
	return s, nil
}

// Path returns the configured path of the store.
func (s *Store) Path() string {
	return s.path
}

// Close unmounts the store if, and only if, this daemon mounted it. It is
// called at shutdown, where a failure is only worth a log line.
func (s *Store) Close(ctx context.Context) {
	if s == nil || !s.mountedBy {
		return
	}
	if err := unmountStore(s.path); err != nil {
		log.G(ctx).WithError(err).Error("extra storage: unmount failed")
		return
	}
	s.mountedBy = false
	log.G(ctx).WithField("path", s.path).Info("extra storage: unmounted")
}

// root resolves the store's path once per use (it may be a symlink set up
// by the administrator) and checks it looks like an overlay2 data-root.
func (s *Store) root() (string, error) {
	root, err := filepath.EvalSymlinks(s.path)
	if err != nil {
		return "", &UnavailableError{Path: s.path, Err: err}
	}
	fi, err := os.Stat(filepath.Join(root, graphDir, "repositories.json"))
	if err != nil {
		return "", &UnavailableError{Path: s.path, Err: err}
	}
	if !fi.Mode().IsRegular() {
		return "", &UnavailableError{Path: s.path, Err: badStore(filepath.Join(root, graphDir, "repositories.json"), "not a regular file")}
	}
	return root, nil
}

// withTimeout runs f, giving up waiting after d (answered false). f keeps
// running in its goroutine: a call blocked in the kernel cannot be cancelled.
func withTimeout(d time.Duration, f func() error) (answered bool, err error) {
	done := make(chan error, 1)
	go func() { done <- f() }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-done:
		return true, err
	case <-t.C:
		return false, nil
	}
}
