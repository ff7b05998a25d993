// Package extrastorage serves NAME:TAG-extra pulls from a read-only dockerd
// data-root (overlay2) shared between hosts. It reads and validates the
// store; it never writes to it.
package extrastorage

import (
	"context"
	"path"
	"path/filepath"
	"time"

	"github.com/containerd/log"
	"github.com/docker/docker/daemon/config"
	"github.com/docker/docker/daemon/extrastorage/beneath"
)

// graphDir is where a dockerd data-root keeps the overlay2 image metadata.
const graphDir = "image/overlay2"

const (
	// defaultReadTimeout bounds the metadata reads of one pull: a hung
	// network filesystem fails the pull instead of hanging it.
	defaultReadTimeout = 30 * time.Second
	// maxConcurrentLookups bounds how many pulls read and validate store
	// metadata at once (each holds up to maxImageTarSplit in memory).
	maxConcurrentLookups = 2
)

// Store is an extra storage as configured. Its zero value is not usable;
// use Open or New.
type Store struct {
	path          string
	verifyContent bool
	mountedBy     bool // true when this daemon mounted it, so Close unmounts
	readTimeout   time.Duration
	lookups       chan struct{}
}

// New returns a store at path without mounting anything. verifyContent says
// whether each layer's content is hashed against its diffID when this host
// first links it ("verify": "content").
func New(path string, verifyContent bool) *Store {
	return &Store{
		path:          filepath.Clean(path),
		verifyContent: verifyContent,
		readTimeout:   defaultReadTimeout,
		lookups:       make(chan struct{}, maxConcurrentLookups),
	}
}

// Open returns the store configured in cfg, mounting its device first when
// one is configured. A nil cfg means the feature is off (nil, nil). A store
// that is absent or fails to mount does not stop the daemon: every pull from
// it then fails with an UnavailableError naming the path.
func Open(ctx context.Context, cfg *config.ExtraStorageConfig) (*Store, error) {
	if cfg == nil {
		return nil, nil
	}
	s := New(cfg.StorePath(), cfg.VerifyContent())
	logger := log.G(ctx).WithFields(log.Fields{"path": s.path, "verify": cfg.VerifyMode()})
	if cfg.Device != "" {
		mounted, err := mountStore(ctx, s.path, cfg.Device, cfg.Type, cfg.Options)
		if err != nil {
			logger.WithError(err).Error("extra storage: mount failed; NAME:TAG-extra pulls will fail until it is mounted")
			return s, nil
		}
		s.mountedBy = mounted
		logger = logger.WithFields(log.Fields{"device": cfg.Device, "type": cfg.Type, "mounted-by-dockerd": mounted})
	}
	probe := func() error {
		r, err := s.openRoot()
		if err == nil {
			r.Close()
		}
		return err
	}
	if answered, err := withTimeout(probeTimeout(s), probe); !answered {
		logger.WithField("timeout", probeTimeout(s)).Warn("extra storage: store did not answer in time (hung network filesystem?); continuing, NAME:TAG-extra pulls may fail")
		return s, nil
	} else if err != nil {
		logger.WithError(err).Warn("extra storage: store not readable yet; NAME:TAG-extra pulls will fail until it is")
		return s, nil
	}
	logger.Info("extra storage: serving NAME:TAG-extra pulls from this store")
	return s, nil
}

// probeTimeout keeps the start-up look short: the daemon must come up even
// when the store's server does not answer.
func probeTimeout(s *Store) time.Duration {
	return min(s.readTimeout, 5*time.Second)
}

// Path returns the configured path of the store.
func (s *Store) Path() string {
	return s.path
}

// VerifyContent reports whether layers are hashed when first linked.
func (s *Store) VerifyContent() bool {
	return s.verifyContent
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

// openRoot opens the store's directory (following the administrator's
// symlinks in the configured path, none inside the store), then the
// generation its current pointer names if it has one, and checks that
// looks like an overlay2 data-root.
func (s *Store) openRoot() (_ *storeRoot, retErr error) {
	dir, err := beneath.OpenRoot(s.path)
	if err != nil {
		return nil, &UnavailableError{Path: s.path, Err: unwrapPath(err)}
	}
	r := &storeRoot{dir: dir, path: s.path, base: s.path}
	defer func() {
		if retErr != nil {
			r.Close()
		}
	}()
	gen, rel, err := openGeneration(r)
	if err != nil {
		return nil, &UnavailableError{Path: s.path, Err: err}
	}
	r.generation, r.prefix = gen, rel
	if rel != "" {
		h, err := beneath.Path(dir, rel)
		if err != nil {
			return nil, &UnavailableError{Path: s.path, Err: badStore(r.full(rel), "%v", unwrapPath(err))}
		}
		dir.Close()
		r.dir, r.path = h, path.Join(s.path, rel)
	}
	h, fi, err := r.stat(path.Join(graphDir, "repositories.json"))
	if err != nil {
		return nil, &UnavailableError{Path: s.path, Err: err}
	}
	h.Close()
	if !fi.Mode().IsRegular() {
		return nil, &UnavailableError{Path: s.path, Err: badStore(r.full(path.Join(graphDir, "repositories.json")), "not a regular file")}
	}
	return r, nil
}

// withStore runs read on the opened store, at most maxConcurrentLookups at
// a time, and gives up waiting after the read timeout. A read blocked in the
// kernel cannot be cancelled: it finishes (and frees its slot) in its own
// goroutine, and the pull fails with a TimeoutError meanwhile.
func (s *Store) withStore(ctx context.Context, read func(*storeRoot) error) error {
	return s.withStoreWithin(ctx, s.readTimeout, read)
}

// withStoreWithin is withStore giving up after limit.
func (s *Store) withStoreWithin(ctx context.Context, limit time.Duration, read func(*storeRoot) error) error {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	select {
	case s.lookups <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-deadline.C:
		return &TimeoutError{Path: s.path, After: limit, Busy: true}
	}
	done := make(chan error, 1)
	go func() {
		defer func() { <-s.lookups }()
		r, err := s.openRoot()
		if err != nil {
			done <- err
			return
		}
		defer r.Close()
		done <- read(r)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-deadline.C:
		return &TimeoutError{Path: s.path, After: limit}
	}
}

// LinkTimeout bounds the linking of one layer of size bytes: the metadata
// deadline, plus, when the content is hashed, the time to read it at a
// slow 16 MiB/s. A store that stops answering fails the pull instead of
// hanging it.
func LinkTimeout(size int64, verifyContent bool) time.Duration {
	if !verifyContent {
		return defaultReadTimeout
	}
	return defaultReadTimeout + time.Duration(size/(16<<20))*time.Second
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
