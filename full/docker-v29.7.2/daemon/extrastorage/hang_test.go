//go:build linux

package extrastorage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestWithTimeoutGivesUpOnAHungProbe: the start-up probe of a hung network
// store must not block the daemon.
func TestWithTimeoutGivesUpOnAHungProbe(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	failed := errors.New("failed")
	cases := []struct {
		name     string
		f        func() error
		answered bool
		err      error
	}{
		{"answers", func() error { return nil }, true, nil},
		{"answers with an error", func() error { return failed }, true, failed},
		{"hangs", func() error { <-hang; return nil }, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			answered, err := withTimeout(100*time.Millisecond, tc.f)
			assert.Check(t, time.Since(start) < 5*time.Second)
			assert.Check(t, is.Equal(answered, tc.answered))
			assert.Check(t, is.Equal(err, tc.err))
		})
	}
}

// TestMountStoreTimesOutAHungHelper runs a fake mount helper: one that never
// returns (an NFS server that does not answer) must give an error in time.
func TestMountStoreTimesOutAHungHelper(t *testing.T) {
	defer func(h string, d time.Duration) { mountHelper, mountHelperTimeout = h, d }(mountHelper, mountHelperTimeout)
	mountHelperTimeout = 300 * time.Millisecond
	cases := []struct {
		name    string
		script  string
		mounted bool
		want    string // "" = no error
	}{
		{"helper succeeds", "exit 0", true, ""},
		{"helper fails", "echo 'mount.nfs: access denied'; exit 32", false, "access denied"},
		{"helper hangs", "exec sleep 60", false, "timed out after 300ms"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mountHelper = filepath.Join(dir, "mount")
			assert.NilError(t, os.WriteFile(mountHelper, []byte("#!/bin/sh\n"+tc.script+"\n"), 0o755))
			start := time.Now()
			mounted, err := mountStore(context.Background(), filepath.Join(dir, "store"), "server:/export", "nfs", "")
			assert.Check(t, time.Since(start) < 10*time.Second, "took %s", time.Since(start))
			assert.Check(t, is.Equal(mounted, tc.mounted))
			if tc.want == "" {
				assert.Check(t, err == nil, "%v", err)
			} else {
				assert.Check(t, is.ErrorContains(err, tc.want))
			}
		})
	}
}

// TestWithStoreIsBoundedInTimeAndConcurrency: a store read that hangs fails
// the pull in time, and pulls waiting behind hung reads give up too.
func TestWithStoreIsBoundedInTimeAndConcurrency(t *testing.T) {
	ts := newTestStore(t, 1)
	hang := make(chan struct{})
	defer close(hang)
	s := New(ts.root, false)
	s.readTimeout = 200 * time.Millisecond
	hung := func(*storeRoot) error { <-hang; return nil }

	cases := []struct {
		name string
		busy bool
	}{
		{name: "a read that hangs"},
		{name: "a second read that hangs"},
		{name: "a read waiting behind hung reads", busy: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			err := s.withStore(context.Background(), hung)
			var timeout *TimeoutError
			assert.Assert(t, errors.As(err, &timeout), "%v", err)
			assert.Check(t, is.Equal(timeout.Busy, tc.busy))
			assert.Check(t, time.Since(start) < 5*time.Second, "took %s", time.Since(start))
		})
	}
}

func TestLinkTimeoutGrowsWithWhatIsHashed(t *testing.T) {
	cases := []struct {
		size   int64
		verify bool
		want   time.Duration
	}{
		{size: 1 << 30, verify: false, want: defaultReadTimeout},
		{size: 0, verify: true, want: defaultReadTimeout},
		{size: 1 << 30, verify: true, want: defaultReadTimeout + 64*time.Second},
	}
	for _, tc := range cases {
		assert.Check(t, is.Equal(LinkTimeout(tc.size, tc.verify), tc.want), "size %d verify %v", tc.size, tc.verify)
	}
}
