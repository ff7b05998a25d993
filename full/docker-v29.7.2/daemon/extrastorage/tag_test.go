package extrastorage

import (
	"testing"

	"github.com/distribution/reference"
	"gotest.tools/v3/assert"
)

func TestExtraTag(t *testing.T) {
	cases := []struct {
		ref  string
		want string // "" when the tag is ordinary
	}{
		{"example.com/demo/app:1.0-extra", "example.com/demo/app:1.0"},
		{"busybox:extra", "docker.io/library/busybox:latest"},
		{"busybox:latest-extra", "docker.io/library/busybox:latest"},
		{"busybox:v1-extra-extra", "docker.io/library/busybox:v1-extra"},
		{"busybox:7extra", ""},
		{"busybox:extra7", ""},
		{"busybox:1.0", ""},
		{"busybox", ""},
		{"busybox@sha256:" + hexOf("x"), ""},
		{"busybox:1.0-extra@sha256:" + hexOf("x"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.ref, func(t *testing.T) {
			ref, err := reference.ParseNormalizedNamed(tc.ref)
			assert.NilError(t, err)
			base, ok := ExtraTag(ref)
			if tc.want == "" {
				assert.Assert(t, !ok)
				return
			}
			assert.Assert(t, ok)
			assert.Equal(t, base.String(), tc.want)
		})
	}
}

func TestMountOptions(t *testing.T) {
	cases := []struct{ given, want string }{
		{"", "ro,nodev,nosuid"},
		{"nolock", "ro,nodev,nosuid,nolock"},
		{"ro,nolock", "nodev,nosuid,ro,nolock"},
		{"rw", "nodev,nosuid,rw"},
		{"dev,suid", "ro,dev,suid"},
		{" vers=4.1 , ", "ro,nodev,nosuid,vers=4.1"},
	}
	for _, tc := range cases {
		assert.Equal(t, mountOptions(tc.given), tc.want, tc.given)
	}
}
