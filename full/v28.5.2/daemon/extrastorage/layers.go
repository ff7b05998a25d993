package extrastorage

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/docker/docker/layer"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
)

const (
	// maxTarSplit bounds one layer's (compressed) tar-split, read into
	// memory to be checked and copied from the same bytes; maxImageTarSplit
	// bounds them all for one image (all are checked before any is linked).
	maxTarSplit      = 64 << 20
	maxImageTarSplit = 256 << 20
	// maxLayerSize keeps sizes (and their sum over an image) meaningful:
	// a petabyte is far above any real layer and far below overflow.
	maxLayerSize = 1 << 50
)

var cacheIDPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Layer is a validated layer of the store, ready to be linked.
type Layer struct {
	ChainID layer.ChainID
	DiffID  layer.DiffID
	Size    int64
	// TarSize is the size of the layer's tar, as its tar-split rebuilds it.
	TarSize int64
	CacheID string // the store's cache-id; the local one is fresh
	Root    string // the store's configured path
	// DiffRel is overlay2/<cache-id>/diff relative to Root, below the
	// generation's directory when the store has generations.
	DiffRel string
	// Generation is the store generation the layer was read from
	// (NoGeneration for a store without generations).
	Generation string
	TarSplit   []byte // gzip-compressed tar-split, as checked
}

// readLayers validates the layers of diffIDs (already validated), base
// first. With prefixOnly it stops at the first layer the store lacks.
func readLayers(r *storeRoot, diffIDs []layer.DiffID, prefixOnly bool) ([]Layer, error) {
	layers := make([]Layer, 0, len(diffIDs))
	var parent layer.ChainID
	var tarSplitBytes int
	for _, diffID := range diffIDs {
		chainID := extendChain(parent, diffID)
		dir := layerDir(chainID)
		if prefixOnly && !r.exists(dir) {
			break
		}
		l, err := readLayer(r, chainID, parent, diffID)
		if err != nil {
			return nil, err
		}
		if tarSplitBytes += len(l.TarSplit); tarSplitBytes > maxImageTarSplit {
			return nil, badStore(r.full(path.Join(dir, "tar-split.json.gz")), "the image's tar-splits add up to more than the %d bytes allowed", maxImageTarSplit)
		}
		layers = append(layers, l)
		parent = chainID
	}
	return layers, nil
}

// extendChain is the chain ID of diffID on top of parent ("" for a base
// layer), written with conversions so that it is one source for the engine
// lines where layer IDs are named types and where they are aliases.
func extendChain(parent layer.ChainID, diffID layer.DiffID) layer.ChainID {
	if parent == "" {
		return layer.ChainID(diffID)
	}
	return layer.ChainID(identity.ChainID([]digest.Digest{digest.Digest(parent), digest.Digest(diffID)}))
}

func layerDir(chainID layer.ChainID) string {
	return path.Join(graphDir, "layerdb", "sha256", digest.Digest(chainID).Encoded())
}

// readLayer reads and checks layerdb/sha256/<chainID> and the overlay2
// directory it points to.
func readLayer(r *storeRoot, chainID, parent layer.ChainID, diffID layer.DiffID) (Layer, error) {
	dir := layerDir(chainID)
	if err := r.checkDir(dir); err != nil {
		return Layer{}, err
	}
	l := Layer{ChainID: chainID, DiffID: diffID, Root: r.base, Generation: r.generation}

	cacheID, err := readField(r, path.Join(dir, "cache-id"))
	if err != nil {
		return Layer{}, err
	}
	if !cacheIDPattern.MatchString(cacheID) {
		return Layer{}, badStore(r.full(path.Join(dir, "cache-id")), "cache-id %q is not 64 lowercase hex characters", cacheID)
	}
	l.CacheID = cacheID

	diff, err := readField(r, path.Join(dir, "diff"))
	if err != nil {
		return Layer{}, err
	}
	if diff != diffID.String() {
		return Layer{}, badStore(r.full(path.Join(dir, "diff")), "diff %q does not match the image config's diffID %s", diff, diffID)
	}

	size, err := readField(r, path.Join(dir, "size"))
	if err != nil {
		return Layer{}, err
	}
	if l.Size, err = strconv.ParseInt(size, 10, 64); err != nil || l.Size < 0 || l.Size > maxLayerSize {
		return Layer{}, badStore(r.full(path.Join(dir, "size")), "size %q is not an integer from 0 to %d", size, int64(maxLayerSize))
	}

	if err := checkParent(r, dir, parent); err != nil {
		return Layer{}, err
	}
	tsRel := path.Join(dir, "tar-split.json.gz")
	if l.TarSplit, err = r.readFile(tsRel, maxTarSplit); err != nil {
		return Layer{}, err
	}
	if l.TarSize, err = checkTarSplit(l.TarSplit); err != nil {
		return Layer{}, badStore(r.full(tsRel), "%v", err)
	}
	diffRel := path.Join("overlay2", cacheID, "diff")
	if err := r.checkDir(diffRel); err != nil {
		return Layer{}, err
	}
	l.DiffRel = path.Join(r.prefix, diffRel)
	return l, nil
}

// checkParent verifies the layer's parent file agrees with the chain.
func checkParent(r *storeRoot, dir string, parent layer.ChainID) error {
	rel := path.Join(dir, "parent")
	if parent == "" {
		if r.exists(rel) {
			return badStore(r.full(rel), "the base layer must not have a parent")
		}
		return nil
	}
	got, err := readField(r, rel)
	if err != nil {
		return err
	}
	if got != string(parent) {
		return badStore(r.full(rel), "parent %q, expected %s", got, parent)
	}
	return nil
}

func readField(r *storeRoot, rel string) (string, error) {
	data, err := r.readFile(rel, maxSmallFile)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(data)), nil
}
