// Package snapshotpull serves NAME:TAG-extra pulls on the containerd image
// store. The image's layers are not applied: each is prepared on the
// snapshotter with the remote-snapshot label (containerd.io/snapshot.ref),
// which extra-snapshotter answers by linking the store's layer directory as
// a committed snapshot, with no byte copied. dockerd writes only metadata:
// the store's config, a manifest naming the layers by diffID (uncompressed),
// and the image records.
//
// The layer blobs are not in the content store. When an image is saved,
// each missing layer's tar is rebuilt from the store (Store.OpenLayerTar)
// and held by the save's lease only, as the graph-driver store rebuilds it
// on every save.
package snapshotpull
