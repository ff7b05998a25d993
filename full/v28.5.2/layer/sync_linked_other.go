//go:build !linux

package layer

// syncFilesystems has nothing to do where no driver links layers: extra
// storage needs overlay2, so RegisterExternal refuses before any link.
func syncFilesystems(dirs []string) error {
	return nil
}
