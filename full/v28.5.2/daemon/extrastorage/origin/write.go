package origin

import (
	"os"
	"path/filepath"
)

// TempPrefix starts the name of a record being written (WriteWhole); a
// reader skips such names, a loader may remove them.
const TempPrefix = ".tmp-"

// WriteWhole writes a record whole or not at all: a temporary file in the
// same directory, renamed over name. It does not fsync: the pull that
// writes records makes them durable with one syncfs (layer.SyncLinked).
func WriteWhole(name string, data []byte) (retErr error) {
	f, err := os.CreateTemp(filepath.Dir(name), TempPrefix+filepath.Base(name)+"-")
	if err != nil {
		return err
	}
	defer func() {
		if retErr != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
