package extrastorage

import "fmt"

// UnavailableError means the store itself cannot be read: not mounted,
// removed, or its root is not a dockerd data-root.
type UnavailableError struct {
	Path string
	Err  error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("extra storage at %s is not available (is it mounted?): %v", e.Path, e.Err)
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Unavailable marks the error for the API (503).
func (e *UnavailableError) Unavailable() {}

// NotInStoreError means the store's repositories.json does not name the image.
type NotInStoreError struct {
	Ref   string
	Store string
}

func (e *NotInStoreError) Error() string {
	return fmt.Sprintf("%s is not in the extra storage at %s (image/overlay2/repositories.json): prepare it there, or pull the tag without -extra", e.Ref, e.Store)
}

// NotFound marks the error for the API (404).
func (e *NotInStoreError) NotFound() {}

// BadStoreError means a file of the store failed validation; the store is
// untrusted input, so nothing is registered from it.
type BadStoreError struct {
	Path   string
	Reason string
}

func (e *BadStoreError) Error() string {
	return fmt.Sprintf("extra storage: refusing %s: %s", e.Path, e.Reason)
}

// InvalidParameter marks the error for the API (400): the store, not the
// daemon, is wrong.
func (e *BadStoreError) InvalidParameter() {}

func badStore(path, format string, args ...any) error {
	return &BadStoreError{Path: path, Reason: fmt.Sprintf(format, args...)}
}
