package config

import (
	"fmt"
	"strings"
)

// ExtraStorageOpt is the --extra-storage flag: path[,device,type[,options]],
// optionally led by verify=content or verify=trusted. Options may themselves
// contain commas, so everything after the third field is the options string.
type ExtraStorageOpt struct {
	dst **ExtraStorageConfig
}

// NewExtraStorageOpt returns a flag value that fills *dst.
func NewExtraStorageOpt(dst **ExtraStorageConfig) *ExtraStorageOpt {
	return &ExtraStorageOpt{dst: dst}
}

// Set parses the flag value.
func (o *ExtraStorageOpt) Set(value string) error {
	c, err := ParseExtraStorage(value)
	if err != nil {
		return err
	}
	*o.dst = c
	return nil
}

// ParseExtraStorage parses [verify=MODE,]path[,device,type[,options]].
func ParseExtraStorage(value string) (*ExtraStorageConfig, error) {
	var verify string
	if mode, rest, ok := strings.Cut(value, ","); ok && strings.HasPrefix(mode, "verify=") {
		verify, value = strings.TrimPrefix(mode, "verify="), rest
	}
	fields := strings.SplitN(value, ",", 4)
	c := &ExtraStorageConfig{Path: fields[0], Verify: verify}
	switch len(fields) {
	case 1:
	case 3, 4:
		c.Device, c.Type = fields[1], fields[2]
		if len(fields) == 4 {
			c.Options = fields[3]
		}
	default:
		return nil, fmt.Errorf("invalid extra-storage %q: use [verify=content|trusted,]path[,device,type[,options]]", value)
	}
	if c.Path == "" {
		return nil, fmt.Errorf("invalid extra-storage %q: the path is empty", value)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// String returns the flag value in the form Set accepts.
func (o *ExtraStorageOpt) String() string {
	if o.dst == nil || *o.dst == nil {
		return ""
	}
	c := *o.dst
	var parts []string
	if c.Verify != "" {
		parts = append(parts, "verify="+c.Verify)
	}
	parts = append(parts, c.Path)
	if c.Device != "" {
		parts = append(parts, c.Device, c.Type)
	}
	if c.Options != "" {
		parts = append(parts, c.Options)
	}
	return strings.Join(parts, ",")
}

// Type returns the flag's value type shown in --help.
func (o *ExtraStorageOpt) Type() string {
	return "extra-storage"
}
