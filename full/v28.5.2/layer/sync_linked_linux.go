package layer

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncFilesystems runs syncfs once per filesystem among dirs.
func syncFilesystems(dirs []string) error {
	synced := map[uint64]bool{}
	for _, dir := range dirs {
		if err := syncOnce(dir, synced); err != nil {
			return fmt.Errorf("extra storage: syncing %s: %w", dir, err)
		}
	}
	return nil
}

func syncOnce(dir string, synced map[uint64]bool) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	if synced[st.Dev] {
		return nil
	}
	synced[st.Dev] = true
	return unix.Syncfs(int(f.Fd()))
}
