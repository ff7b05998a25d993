package extra

import (
	"errors"
	"regexp"
	"strings"

	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
)

// errNotRemote means a Prepare is not a request for a layer by chain ID
// that this snapshotter could serve: an ordinary snapshot is made.
var errNotRemote = errors.New("not a layer request by chain ID")

var (
	chainIDPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	// A committed layer is named after its chain ID; behind containerd's
	// metadata store the backend name is "<namespace>/<n>/<chain ID>".
	nameChainPattern = regexp.MustCompile(`(?:^|/)(sha256:[0-9a-f]{64})$`)
	// The metadata store's backend key prefix, "<namespace>/<n>/".
	metadataPrefix = regexp.MustCompile(`^[^/]+/[0-9]+/`)
)

// request is a Prepare that asks for a layer by chain ID.
type request struct {
	target string        // the containerd.io/snapshot.ref label: the chain ID
	chain  digest.Digest // the layer's chain ID
	parent digest.Digest // the parent's chain ID, "" for a base layer
	labels map[string]string
}

// parseRequest reads a Prepare: the target label must be a chain ID, the
// parent (if any) a snapshot named after its chain ID, and a diff-id label
// (containerd 2.x's unpacker sets one) must agree with both.
func parseRequest(parent string, opts []snapshots.Opt) (request, error) {
	var info snapshots.Info
	for _, opt := range opts {
		if err := opt(&info); err != nil {
			return request{}, err
		}
	}
	target := info.Labels[snapshots.LabelSnapshotRef]
	if !chainIDPattern.MatchString(target) {
		return request{}, errNotRemote
	}
	r := request{target: target, chain: digest.Digest(target), labels: info.Labels}
	if parent != "" {
		m := nameChainPattern.FindStringSubmatch(parent)
		if m == nil {
			return request{}, errNotRemote
		}
		r.parent = digest.Digest(m[1])
	}
	if diffID, ok := info.Labels[snapshots.LabelSnapshotDiffID]; ok && chainOf(r.parent, digest.Digest(diffID)) != r.chain {
		return request{}, errNotRemote
	}
	return r, nil
}

func chainOf(parent, diffID digest.Digest) digest.Digest {
	if parent == "" {
		return diffID
	}
	return identity.ChainID([]digest.Digest{parent, diffID})
}

// committedName is the name the linked layer is committed under: the
// target, behind the same "<namespace>/<n>/" prefix as key when containerd's
// metadata store made key, so that two namespaces linking the same chain on
// their own parents get two snapshots. containerd finds it by its labels
// and parent, whatever its name.
func committedName(key, target string) string {
	if p := metadataPrefix.FindString(key); p != "" && !strings.Contains(strings.TrimPrefix(key, p), "/") {
		return p + target
	}
	return target
}
