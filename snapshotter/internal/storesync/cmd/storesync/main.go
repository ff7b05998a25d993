// Command storesync generates this module's copies of the engine's
// extra-storage code (see package storesync). Run from the module root:
//
//	go run ./internal/storesync/cmd/storesync [-engine v28.5.2] [-module DIR]
//
// `make generate` and `go generate ./...` run it.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/storesync"
)

func main() {
	engine := flag.String("engine", storesync.Engine, "engine line under ../full whose daemon/extrastorage is copied")
	module := flag.String("module", ".", "the snapshotter module's root; the engine trees are in its parent's full/")
	flag.Parse()
	daemonDir := filepath.Join(*module, "..", "full", *engine, "daemon")
	if err := storesync.Sync(daemonDir, *module); err != nil {
		fmt.Fprintf(os.Stderr, "storesync: %v (is -module the snapshotter module's root?)\n", err)
		os.Exit(1)
	}
}
