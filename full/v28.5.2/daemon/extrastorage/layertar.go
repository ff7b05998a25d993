package extrastorage

import (
	"bytes"
	"compress/gzip"
	"io"
	"path"

	"github.com/docker/docker/daemon/extrastorage/beneath"
	"github.com/vbatts/tar-split/tar/asm"
	"github.com/vbatts/tar-split/tar/storage"
)

// OpenLayerTar rebuilds layer l's tar from its tar-split and the files of
// its directory in the store, read as beneath.Files reads them. Whoever
// stores the tar must check it against the diffID: the store is untrusted.
func OpenLayerTar(l Layer) (io.ReadCloser, error) {
	dirPath := path.Join(l.Root, l.DiffRel)
	root, err := beneath.OpenRoot(l.Root)
	if err != nil {
		return nil, &UnavailableError{Path: l.Root, Err: unwrapPath(err)}
	}
	dir, err := beneath.Path(root, l.DiffRel)
	root.Close()
	if err != nil {
		return nil, badStore(dirPath, "%v", unwrapPath(err))
	}
	zr, err := gzip.NewReader(bytes.NewReader(l.TarSplit))
	if err != nil {
		dir.Close()
		return nil, badStore(dirPath, "tar-split: not gzip: %v", err)
	}
	files := &beneath.Files{Root: dir, Dir: dirPath}
	return &layerTar{ReadCloser: asm.NewOutputTarStream(files, storage.NewJSONUnpacker(zr)), files: files}, nil
}

type layerTar struct {
	io.ReadCloser
	files *beneath.Files
}

func (t *layerTar) Close() error {
	err := t.ReadCloser.Close()
	if cerr := t.files.Close(); err == nil {
		err = cerr
	}
	return err
}
