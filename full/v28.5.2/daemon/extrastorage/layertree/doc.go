// Package layertree holds a layer's directory in the extra storage to the
// headers of the layer's tar. Hashing the tar rebuilt from the store's
// tar-split proves the files' bytes, but the headers come from the
// tar-split and the names, modes, owners and xattrs a container sees come
// from the directory: an extra file, a setuid bit, a file capability, an
// owner or an opaque mark on disk would pass. Check compares every entry
// with what overlay2's untar writes for the headers (whiteouts as 0/0
// character devices, opaque directories marked by xattr, implied parent
// directories, hard links) and refuses anything else. Modification times
// are not compared: they grant nothing.
package layertree
