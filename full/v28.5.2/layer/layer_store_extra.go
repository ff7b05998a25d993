package layer

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/containerd/log"
	"github.com/docker/docker/daemon/extrastorage/layertree"
	"github.com/docker/docker/daemon/extrastorage/origin"
	"github.com/docker/docker/pkg/stringid"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
)

// unverifiedFile marks, in a layer's metadata, a layer linked from extra
// storage without hashing its content ("verify": "trusted"). It holds the
// memo key under which a later successful check is remembered.
const unverifiedFile = "extra-unverified"

// ExternalLayer is an unpacked layer kept outside the layer store (in the
// extra storage), which the store links to instead of copying.
type ExternalLayer struct {
	DiffID   DiffID
	Size     int64
	Root     string // the extra storage's path; the layer is opened below it
	DiffRel  string // the layer's directory, relative to Root
	TarSplit []byte // gzip-compressed tar-split, stored verbatim
	// Verify hashes the layer (the tar rebuilt from TarSplit and the linked
	// files, as `docker save` rebuilds it) against DiffID before it is
	// registered, unless this host already did so for the same files.
	Verify bool
	// Generation is the store generation the layer is read from and Image
	// the reference being pulled, recorded with the link (origin.File).
	Generation string
	Image      string
}

// ExternalRegisterer is implemented by layer stores that can register a
// layer from an ExternalLayer without copying its data.
type ExternalRegisterer interface {
	RegisterExternal(src ExternalLayer, parent ChainID) (Layer, error)
	// SyncLinked makes the layers registered so far durable. Registration
	// itself does not sync, so that a pull of many layers syncs once.
	SyncLinked() error
}

// LinkVerifier is implemented by layer stores that link layers from extra
// storage. VerifyLinked hashes every layer of the chain that was linked
// without verification and returns an error naming the first that does not
// match its diffID: an ordinary pull, load or build must not reuse a layer
// whose content nobody checked.
type LinkVerifier interface {
	VerifyLinked(chainID ChainID) error
}

// ContentMismatchError means linked layer data is not the layer its diffID
// names: it hashes to another digest, or its files disagree with its
// tar-split (size, checksum, a file missing or unreadable).
type ContentMismatchError struct {
	ChainID ChainID
	DiffID  DiffID
	Source  string // the layer's directory
	Reason  string
}

func (e *ContentMismatchError) Error() string {
	return fmt.Sprintf("extra storage: refusing layer %s (diffID %s) from %s: %s", e.ChainID, e.DiffID, e.Source, e.Reason)
}

// InvalidParameter marks the error for the API (400): the store is wrong.
func (e *ContentMismatchError) InvalidParameter() {}

// externalDiffDriver is implemented by graphdrivers (overlay2) that can
// create a layer whose data is a directory below root, opened confined to
// it. The origin returned is o completed with the directory and its
// identity as opened (which changes when the store's directory is
// replaced); the driver refuses to mount the layer once it differs.
type externalDiffDriver interface {
	CreateFromExternalDiff(id, parent, root, rel string, o origin.Layer) (origin.Layer, error)
	// LinkedHome is the directory the driver writes links under, for
	// SyncLinked.
	LinkedHome() string
}

// RegisterExternal registers src on top of parent with a fresh cache-id.
// An existing layer with the same chainID is reused (and verified first when
// src.Verify asks for it). On failure the driver directory and the metadata
// transaction are removed.
func (ls *layerStore) RegisterExternal(src ExternalLayer, parent ChainID) (_ Layer, retErr error) {
	drv, ok := ls.driver.(externalDiffDriver)
	if !ok {
		return nil, fmt.Errorf("storage driver %s cannot link layers from extra storage; use overlay2", ls.driver)
	}
	if err := validateLinkIDs(src.DiffID, parent); err != nil {
		return nil, err
	}
	chainID := extendChain(parent, src.DiffID)
	if existing := ls.getLocked(chainID); existing != nil {
		if src.Verify {
			if err := ls.verifyLayer(existing); err != nil {
				ls.layerL.Lock()
				ls.releaseLayer(existing)
				ls.layerL.Unlock()
				return nil, err
			}
		}
		if err := ls.checkReused(existing); err != nil {
			ls.layerL.Lock()
			ls.releaseLayer(existing)
			ls.layerL.Unlock()
			return nil, err
		}
		ls.recordImage(existing, src.Image)
		return existing.getReference(), nil
	}

	// discard is set when another registration won the race: clean up as on
	// error, but return the winner.
	var discard bool
	var p *roLayer
	var pid string
	if parent != "" {
		ls.layerL.Lock()
		p = ls.get(parent)
		ls.layerL.Unlock()
		if p == nil {
			return nil, ErrLayerDoesNotExist
		}
		defer func() {
			if retErr != nil || discard {
				ls.layerL.Lock()
				ls.releaseLayer(p)
				ls.layerL.Unlock()
			}
		}()
		if p.depth() >= maxLayerDepth {
			return nil, ErrMaxDepthExceeded
		}
		pid = p.cacheID
	}

	l := &roLayer{
		chainID:        chainID,
		diffID:         src.DiffID,
		size:           src.Size,
		parent:         p,
		cacheID:        stringid.GenerateRandomID(),
		referenceCount: 1,
		layerStore:     ls,
		references:     map[Layer]struct{}{},
	}
	o := origin.Layer{ChainID: digest.Digest(chainID).String(), DiffID: digest.Digest(src.DiffID).String(), Generation: src.Generation}
	o, _ = o.WithImage(src.Image)
	o, err := drv.CreateFromExternalDiff(l.cacheID, pid, src.Root, src.DiffRel, o)
	if err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil || discard {
			if err := ls.driver.Remove(l.cacheID); err != nil {
				log.G(context.TODO()).WithFields(log.Fields{"cache-id": l.cacheID, "error": err}).Error("Error cleaning up linked layer")
			}
		}
	}()

	key := memoKey(src, o.Identity)
	if src.Verify && !ls.verifiedBefore(key) {
		gz := bytes.NewReader(src.TarSplit)
		if err := ls.checkContent(l, gz, path.Join(src.Root, src.DiffRel)); err != nil {
			return nil, err
		}
		ls.rememberVerified(key)
	}

	unverified := ""
	if !src.Verify && !ls.verifiedBefore(key) {
		unverified = key
	}
	tmp, err := ls.writeLinkedMetadata(l, src.TarSplit, unverified, o)
	if err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil || discard {
			_ = os.RemoveAll(tmp)
		}
	}()

	ls.layerL.Lock()
	defer ls.layerL.Unlock()
	if winner := ls.get(chainID); winner != nil {
		discard = true
		return winner.getReference(), nil
	}
	if err := ls.commitLinkedMetadata(tmp, chainID); err != nil {
		return nil, err
	}
	ls.layerMap[chainID] = l
	return l.getReference(), nil
}

// writeLinkedMetadata writes a linked layer's metadata as storeLayer and
// the tar-split writer would (TestLinkedMetadataMatchesStoreLayer holds
// them to it) into a fresh directory under the store's tmp, without an
// fsync per file: the pull makes all its links durable at once with
// SyncLinked before it records the image, so a crash never leaves an image
// whose layers were lost, only layer directories that nothing uses.
func (ls *layerStore) writeLinkedMetadata(l *roLayer, tarSplit []byte, unverified string, o origin.Layer) (_ string, retErr error) {
	tmpRoot := filepath.Join(ls.store.root, "tmp")
	if err := os.MkdirAll(tmpRoot, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(tmpRoot, "extra-link-")
	if err != nil {
		return "", err
	}
	defer func() {
		if retErr != nil {
			_ = os.RemoveAll(tmp)
		}
	}()
	files := []struct{ name, data string }{
		{"diff", digest.Digest(l.diffID).String()},
		{"size", strconv.FormatInt(l.size, 10)},
		{"cache-id", l.cacheID},
		{"tar-split.json.gz", string(tarSplit)},
	}
	if l.parent != nil {
		files = append(files, struct{ name, data string }{"parent", digest.Digest(l.parent.chainID).String()})
	}
	if unverified != "" {
		files = append(files, struct{ name, data string }{unverifiedFile, unverified})
	}
	record, err := json.Marshal(o)
	if err != nil {
		return "", err
	}
	files = append(files, struct{ name, data string }{origin.File, string(record)})
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(tmp, f.name), []byte(f.data), 0o644); err != nil {
			return "", fmt.Errorf("writing metadata of linked layer %s: %w", l.chainID, err)
		}
	}
	return tmp, nil
}

// commitLinkedMetadata moves tmp into place as chainID's directory. The
// caller holds layerL and found no layer for chainID, so a directory already
// there is one the store could not load (a link cut short by a power loss
// before its sync): it is replaced, as the pull that finds it needs it.
func (ls *layerStore) commitLinkedMetadata(tmp string, chainID ChainID) error {
	final := ls.store.getLayerDirectory(chainID)
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return err
	}
	err := os.Rename(tmp, final)
	if errors.Is(err, os.ErrExist) || errors.Is(err, syscall.ENOTEMPTY) {
		log.G(context.TODO()).WithField("chain-id", chainID).Warn("extra storage: replacing the unloadable metadata of a layer linked before a crash")
		if err = os.RemoveAll(final); err == nil {
			err = os.Rename(tmp, final)
		}
	}
	return err
}

// SyncLinked makes every layer linked so far durable: one syncfs of the
// filesystem holding the layer metadata, and one of the driver's if that is
// another filesystem. The pull calls it once, before it records the image.
func (ls *layerStore) SyncLinked() error {
	dirs := []string{ls.store.root}
	if d, ok := ls.driver.(externalDiffDriver); ok {
		dirs = append(dirs, d.LinkedHome())
	}
	return syncFilesystems(dirs)
}

// getLocked takes a reference to chainID's layer, as ls.get does; the caller
// releases it or hands it out with getReference.
func (ls *layerStore) getLocked(chainID ChainID) *roLayer {
	ls.layerL.Lock()
	defer ls.layerL.Unlock()
	return ls.get(chainID)
}

// validateLinkIDs keeps IDs from the store out of local paths unless they
// have the one form the layer store writes.
func validateLinkIDs(diffID DiffID, parent ChainID) error {
	ids := []digest.Digest{digest.Digest(diffID)}
	if parent != "" {
		ids = append(ids, digest.Digest(parent))
	}
	for _, d := range ids {
		// Validate first: Algorithm panics on a digest without ":".
		if d.Validate() != nil || d.Algorithm() != digest.SHA256 {
			return fmt.Errorf("extra storage: %q is not a sha256 digest", d)
		}
	}
	return nil
}

// VerifyLinked hashes each layer of the chain still marked unverified. It
// takes no reference: the caller, about to create an image on the chain,
// holds it.
func (ls *layerStore) VerifyLinked(chainID ChainID) error {
	ls.layerL.Lock()
	top := ls.layerMap[chainID]
	ls.layerL.Unlock()
	for l := top; l != nil; l = l.parent {
		if err := ls.verifyLayer(l); err != nil {
			return err
		}
	}
	return nil
}

// verifyLayer checks a layer marked unverified, then drops the mark. The
// layer is checked from its own copy of the tar-split, which is what
// `docker save` would use.
func (ls *layerStore) verifyLayer(l *roLayer) error {
	mark := ls.store.getLayerFilename(l.chainID, unverifiedFile)
	key, err := os.ReadFile(mark)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	f, err := os.Open(ls.store.getLayerFilename(l.chainID, "tar-split.json.gz"))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := ls.checkContent(l, f, ls.linkedSource(l)); err != nil {
		return err
	}
	ls.rememberVerified(string(key))
	return os.Remove(mark)
}

// linkedSource names where a linked layer's data is, as the driver knows it.
func (ls *layerStore) linkedSource(l *roLayer) string {
	if d, ok := ls.driver.(interface{ ExternalDiffSource(id string) string }); ok {
		if source := d.ExternalDiffSource(l.cacheID); source != "" {
			return source
		}
	}
	return "linked layer " + l.cacheID
}

// linkedTreeChecker is a driver (overlay2) that can hold a linked layer's
// directory to the headers of the layer's tar: names, types, modes, owners,
// xattrs, and nothing more.
type linkedTreeChecker interface {
	CheckLinkedTree(id string, headers []*tar.Header) error
}

// checkContent rebuilds the layer's tar from its tar-split (gzip) and its
// linked files, and compares the digest with the diffID. The tar's headers
// come from the tar-split, not from the files: the driver then checks that
// the directory a container will see is what those headers make.
func (ls *layerStore) checkContent(l *roLayer, tarSplitGz io.Reader, source string) error {
	zr, err := gzip.NewReader(tarSplitGz)
	if err != nil {
		return fmt.Errorf("extra storage: tar-split of layer %s: %w", l.chainID, err)
	}
	mismatch := func(reason string) error {
		return &ContentMismatchError{ChainID: l.chainID, DiffID: l.diffID, Source: source, Reason: reason}
	}
	digester := digest.Canonical.Digester()
	headers, err := layertree.Headers(func(w io.Writer) error {
		return ls.assembleTarTo(l.cacheID, zr, nil, io.MultiWriter(digester.Hash(), w))
	})
	if err != nil {
		return mismatch(err.Error())
	}
	if got := digester.Digest(); got != digest.Digest(l.diffID) {
		return mismatch("its content hashes to " + got.String())
	}
	if c, ok := ls.driver.(linkedTreeChecker); ok {
		if err := c.CheckLinkedTree(l.cacheID, headers); err != nil {
			return mismatch(err.Error())
		}
	}
	return nil
}

// memoKey names what was checked: the diffID, the store directory with the
// identity of its files as opened, and the exact tar-split. A store that
// replaces the directory or its tar-split is checked again.
func memoKey(src ExternalLayer, identity string) string {
	h := sha256.New()
	ts := sha256.Sum256(src.TarSplit)
	fmt.Fprintf(h, "%s\n%s\n%s\n%x\n", src.DiffID, src.DiffRel, identity, ts)
	return hex.EncodeToString(h.Sum(nil))
}

func (ls *layerStore) memoPath(key string) string {
	return filepath.Join(ls.store.root, "extra-verified", key)
}

func (ls *layerStore) verifiedBefore(key string) bool {
	_, err := os.Stat(ls.memoPath(key))
	return err == nil
}

// rememberVerified records a successful check; failing to is only a cost
// (the next link checks again), never a risk.
func (ls *layerStore) rememberVerified(key string) {
	p := ls.memoPath(key)
	err := os.MkdirAll(filepath.Dir(p), 0o700)
	if err == nil {
		err = os.WriteFile(p, nil, 0o600)
	}
	if err != nil {
		log.G(context.TODO()).WithError(err).Warn("extra storage: cannot remember a verified layer")
	}
}

// extendChain is the chain ID of diffID on top of parent ("" for a base
// layer). The conversions keep it one source for the engine lines where
// ChainID and DiffID are named types and where they are aliases.
func extendChain(parent ChainID, diffID DiffID) ChainID {
	if parent == "" {
		return ChainID(diffID)
	}
	return ChainID(identity.ChainID([]digest.Digest{digest.Digest(parent), digest.Digest(diffID)}))
}
