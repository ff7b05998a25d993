package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestParseFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		want    options
		wantErr string
	}{
		{name: "defaults", want: options{root: "/var/lib/extra-snapshotter", state: "/run/extra-snapshotter",
			address: "/run/extra-snapshotter/extra-snapshotter.sock", store: "/var/lib/docker/extra", verify: "content", logLevel: "info"}},
		{name: "no store", args: []string{"--extra-store", ""}, want: options{root: "/var/lib/extra-snapshotter", state: "/run/extra-snapshotter",
			address: "/run/extra-snapshotter/extra-snapshotter.sock", verify: "content", logLevel: "info"}},
		{name: "trusted store", args: []string{"--verify", "trusted"}, want: options{root: "/var/lib/extra-snapshotter", state: "/run/extra-snapshotter",
			address: "/run/extra-snapshotter/extra-snapshotter.sock", store: "/var/lib/docker/extra", verify: "trusted", logLevel: "info"}},
		{name: "unknown verify mode", args: []string{"--verify", "none"}, wantErr: `--verify "none" must be "content" or "trusted"`},
		{name: "relative root", args: []string{"--root", "data"}, wantErr: `"data" must be an absolute path`},
		{name: "relative store", args: []string{"--extra-store", "store"}, wantErr: `--extra-store "store" must be an absolute path`},
		{name: "stray argument", args: []string{"serve"}, wantErr: `unexpected argument "serve"`},
		{name: "unknown flag", args: []string{"--roots", "/x"}, wantErr: "flag provided but not defined: -roots"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFlags(tc.args, io.Discard)
			if tc.wantErr != "" {
				assert.Check(t, is.ErrorContains(err, tc.wantErr))
				return
			}
			assert.NilError(t, err)
			assert.Check(t, is.DeepEqual(got, tc.want, cmp.AllowUnexported(options{})))
		})
	}
}

func TestHelpSaysHowToConfigureContainerd(t *testing.T) {
	var out strings.Builder
	_, err := parseFlags([]string{"--help"}, &out)
	assert.Check(t, errors.Is(err, flag.ErrHelp))
	for _, want := range []string{"[proxy_plugins.extra]", "--extra-store", "--address", "--root", "storage-driver"} {
		assert.Check(t, is.Contains(out.String(), want))
	}
}
