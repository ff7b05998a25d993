package extrastorage

import (
	"bytes"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/docker/docker/image"
	"github.com/docker/docker/layer"
	"github.com/opencontainers/go-digest"
)

// maxTarSplit bounds the (compressed) tar-split metadata copied from the
// store; it is read into memory to be checked and copied from the same bytes.
const maxTarSplit = 256 << 20

var cacheIDPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Layer is a validated layer of the store, ready to be linked.
type Layer struct {
	ChainID  layer.ChainID
	DiffID   layer.DiffID
	Size     int64
	CacheID  string // the store's cache-id; the local one is fresh
	DiffDir  string // absolute path of overlay2/<cache-id>/diff in the store
	tarSplit string // path relative to the store root
	root     string
}

// Layers validates every layer of img in the store, base first. It returns
// an error naming the first bad file; then nothing should be registered.
func (s *Store) Layers(img *image.Image) ([]Layer, error) {
	return s.layers(img.RootFS.DiffIDs, false)
}

// AvailableLayers returns the layers of diffIDs the store holds, base first,
// up to the first one it lacks (a layer is linked on top of its parent, so
// the rest must be downloaded). A layer present but bad is still an error.
func (s *Store) AvailableLayers(diffIDs []layer.DiffID) ([]Layer, error) {
	return s.layers(diffIDs, true)
}

func (s *Store) layers(diffIDs []layer.DiffID, prefixOnly bool) ([]Layer, error) {
	root, err := s.root()
	if err != nil {
		return nil, err
	}
	layers := make([]Layer, 0, len(diffIDs))
	var parent layer.ChainID
	for i, diffID := range diffIDs {
		chainID := layer.CreateChainID(diffIDs[:i+1])
		if prefixOnly && !hasLayer(root, chainID) {
			break
		}
		l, err := readLayer(root, chainID, parent, diffID)
		if err != nil {
			return nil, err
		}
		layers = append(layers, l)
		parent = chainID
	}
	return layers, nil
}

func hasLayer(root string, chainID layer.ChainID) bool {
	_, err := os.Lstat(filepath.Join(root, graphDir, "layerdb", "sha256", digest.Digest(chainID).Encoded()))
	return err == nil
}

// readLayer reads and checks layerdb/sha256/<chainID> and the overlay2
// directory it points to.
func readLayer(root string, chainID, parent layer.ChainID, diffID layer.DiffID) (Layer, error) {
	dir := path.Join(graphDir, "layerdb", "sha256", digest.Digest(chainID).Encoded())
	if _, err := dirConfined(root, dir); err != nil {
		return Layer{}, err
	}
	l := Layer{ChainID: chainID, DiffID: diffID, tarSplit: path.Join(dir, "tar-split.json.gz"), root: root}

	cacheID, err := readField(root, path.Join(dir, "cache-id"))
	if err != nil {
		return Layer{}, err
	}
	if !cacheIDPattern.MatchString(cacheID) {
		return Layer{}, badStore(path.Join(root, dir, "cache-id"), "cache-id %q is not 64 lowercase hex characters", cacheID)
	}
	l.CacheID = cacheID

	diff, err := readField(root, path.Join(dir, "diff"))
	if err != nil {
		return Layer{}, err
	}
	if diff != diffID.String() {
		return Layer{}, badStore(path.Join(root, dir, "diff"), "diff %q does not match the image config's diffID %s", diff, diffID)
	}

	size, err := readField(root, path.Join(dir, "size"))
	if err != nil {
		return Layer{}, err
	}
	if l.Size, err = strconv.ParseInt(size, 10, 64); err != nil || l.Size < 0 {
		return Layer{}, badStore(path.Join(root, dir, "size"), "size %q is not a non-negative integer", size)
	}

	if err := checkParent(root, dir, parent); err != nil {
		return Layer{}, err
	}
	if _, err := l.readTarSplit(); err != nil {
		return Layer{}, err
	}
	if l.DiffDir, err = dirConfined(root, path.Join("overlay2", cacheID, "diff")); err != nil {
		return Layer{}, err
	}
	return l, nil
}

// checkParent verifies the layer's parent file agrees with the chain.
func checkParent(root, dir string, parent layer.ChainID) error {
	rel := path.Join(dir, "parent")
	if parent == "" {
		if _, _, err := lstatConfined(root, rel); err == nil {
			return badStore(path.Join(root, rel), "the base layer must not have a parent")
		}
		return nil
	}
	got, err := readField(root, rel)
	if err != nil {
		return err
	}
	if got != string(parent) {
		return badStore(path.Join(root, rel), "parent %q, expected %s", got, parent)
	}
	return nil
}

func readField(root, rel string) (string, error) {
	data, err := readConfined(root, rel, maxSmallFile)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(data)), nil
}

// OpenTarSplit returns the layer's tar-split.json.gz (gzip, copied verbatim
// so `docker save` can rebuild the layer tar from the linked files). The
// bytes returned are the bytes checked: the store cannot swap the file
// between the check and the copy.
func (l Layer) OpenTarSplit() (io.ReadCloser, error) {
	data, err := l.readTarSplit()
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

func (l Layer) readTarSplit() ([]byte, error) {
	data, err := readConfined(l.root, l.tarSplit, maxTarSplit)
	if err != nil {
		return nil, err
	}
	if err := checkTarSplit(data); err != nil {
		return nil, badStore(filepath.Join(l.root, l.tarSplit), "%v", err)
	}
	return data, nil
}
