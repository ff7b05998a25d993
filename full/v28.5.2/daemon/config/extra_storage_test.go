package config

import (
	"encoding/json"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestParseExtraStorage(t *testing.T) {
	cases := []struct {
		value   string
		want    ExtraStorageConfig
		wantErr string
	}{
		{value: "/srv/extra", want: ExtraStorageConfig{Path: "/srv/extra"}},
		{value: "/srv/extra,nfs:/x,nfs", want: ExtraStorageConfig{Path: "/srv/extra", Device: "nfs:/x", Type: "nfs"}},
		{value: "/srv/extra,nfs:/x,nfs,ro,nolock", want: ExtraStorageConfig{Path: "/srv/extra", Device: "nfs:/x", Type: "nfs", Options: "ro,nolock"}},
		{value: "verify=trusted,/srv/extra", want: ExtraStorageConfig{Path: "/srv/extra", Verify: VerifyTrusted}},
		{value: "verify=content,/srv/extra,/srv/store.erofs,erofs", want: ExtraStorageConfig{Path: "/srv/extra", Device: "/srv/store.erofs", Type: "erofs", Verify: VerifyContent}},
		{value: "verify=none,/srv/extra", wantErr: `verify "none" must be "content" or "trusted"`},
		{value: "/srv/extra,/dev/vdb", wantErr: "use [verify=content|trusted,]path[,device,type[,options]]"},
		{value: "relative", wantErr: "must be an absolute path"},
		{value: "/", wantErr: "must not be the root directory"},
		{value: "", wantErr: "the path is empty"},
		{value: "/srv/extra,,xfs", wantErr: "device and type must be set together"},
	}
	for _, tc := range cases {
		t.Run(tc.value, func(t *testing.T) {
			got, err := ParseExtraStorage(tc.value)
			if tc.wantErr != "" {
				assert.Check(t, is.ErrorContains(err, tc.wantErr))
				return
			}
			assert.NilError(t, err)
			assert.DeepEqual(t, *got, tc.want)
			var dst *ExtraStorageConfig
			opt := NewExtraStorageOpt(&dst)
			assert.NilError(t, opt.Set(tc.value))
			assert.Equal(t, opt.String(), tc.value)
		})
	}
}

func TestValidateExtraStorage(t *testing.T) {
	cases := []struct {
		name     string
		extra    *ExtraStorageConfig
		features map[string]bool
		driver   string
		wantErr  string
	}{
		{name: "absent"},
		{name: "default path", extra: &ExtraStorageConfig{}},
		{name: "device without type", extra: &ExtraStorageConfig{Device: "/dev/vdb"}, wantErr: "device and type must be set together"},
		{name: "options without device", extra: &ExtraStorageConfig{Options: "ro"}, wantErr: "need a device and type"},
		{name: "snapshotter on, no storage-driver", extra: &ExtraStorageConfig{}, features: map[string]bool{"containerd-snapshotter": true}, wantErr: `sets no storage-driver: run extra-snapshotter`},
		{name: "snapshotter on, overlayfs", extra: &ExtraStorageConfig{}, features: map[string]bool{"containerd-snapshotter": true}, driver: "overlayfs", wantErr: `storage-driver "overlayfs", which cannot link`},
		{name: "snapshotter on, a graph driver", extra: &ExtraStorageConfig{}, features: map[string]bool{"containerd-snapshotter": true}, driver: "overlay2", wantErr: `storage-driver "overlay2", which cannot link`},
		{name: "snapshotter on, extra-snapshotter", extra: &ExtraStorageConfig{}, features: map[string]bool{"containerd-snapshotter": true}, driver: "extra"},
		{name: "verify trusted", extra: &ExtraStorageConfig{Verify: VerifyTrusted}},
		{name: "verify unknown", extra: &ExtraStorageConfig{Verify: "yes"}, wantErr: `verify "yes" must be "content" or "trusted"`},
		{name: "snapshotter off", extra: &ExtraStorageConfig{}, features: map[string]bool{"containerd-snapshotter": false}},
		{name: "snapshotter on, feature off", features: map[string]bool{"containerd-snapshotter": true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conf := &Config{}
			conf.ExtraStorage = tc.extra
			conf.Features = tc.features
			conf.GraphDriver = tc.driver
			err := validateExtraStorage(conf)
			if tc.wantErr != "" {
				assert.Check(t, is.ErrorContains(err, tc.wantErr))
				return
			}
			assert.NilError(t, err)
		})
	}
	assert.Equal(t, (&ExtraStorageConfig{}).StorePath(), DefaultExtraStoragePath)
	// Content verification is the default: a store is untrusted until the
	// administrator says otherwise.
	assert.Check(t, (&ExtraStorageConfig{}).VerifyContent())
	assert.Check(t, !(&ExtraStorageConfig{Verify: VerifyTrusted}).VerifyContent())
}

func TestExtraStorageJSON(t *testing.T) {
	var c ExtraStorageConfig
	assert.NilError(t, json.Unmarshal([]byte(`{"path":"/srv/x","device":"d","type":"nfs","options":"nolock","verify":"trusted"}`), &c))
	assert.DeepEqual(t, c, ExtraStorageConfig{Path: "/srv/x", Device: "d", Type: "nfs", Options: "nolock", Verify: VerifyTrusted})
	err := json.Unmarshal([]byte(`{"paht":"/srv/x"}`), &c)
	assert.Check(t, is.ErrorContains(err, `unknown field "paht"`))
}
