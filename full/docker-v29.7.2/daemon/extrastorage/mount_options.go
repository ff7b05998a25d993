package extrastorage

import "strings"

// defaultMountOptions keep the store read-only and inert; an option given by
// the administrator replaces its opposite (rw → ro, dev → nodev, suid → nosuid).
var defaultMountOptions = []string{"ro", "nodev", "nosuid"}

var opposites = map[string]string{"rw": "ro", "dev": "nodev", "suid": "nosuid", "exec": "noexec"}

// mountOptions merges the administrator's options into the defaults.
func mountOptions(user string) string {
	var given []string
	dropped := map[string]bool{}
	for _, o := range strings.Split(user, ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		given = append(given, o)
		if opp, ok := opposites[o]; ok {
			dropped[opp] = true
		}
	}
	var out []string
	for _, o := range defaultMountOptions {
		if !dropped[o] && !contains(given, o) {
			out = append(out, o)
		}
	}
	return strings.Join(append(out, given...), ",")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
