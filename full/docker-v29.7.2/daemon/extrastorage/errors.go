package extrastorage

import (
	"fmt"
	"time"
)

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

// TimeoutError means the store did not answer in time (a hung network
// filesystem), or too many pulls were already waiting on it (Busy).
type TimeoutError struct {
	Path  string
	After time.Duration
	Busy  bool
}

func (e *TimeoutError) Error() string {
	if e.Busy {
		return fmt.Sprintf("extra storage at %s: other pulls have been waiting on it for %s (is its server hung?); try again later", e.Path, e.After)
	}
	return fmt.Sprintf("extra storage at %s did not answer within %s (is its server reachable?); try again, or pull the tag without -extra", e.Path, e.After)
}

// Unavailable marks the error for the API (503).
func (e *TimeoutError) Unavailable() {}

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
