//go:build linux

package extrastorage

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/sys/mountinfo"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestMethodFor(t *testing.T) {
	dir := t.TempDir()
	image := filepath.Join(dir, "store.erofs")
	assert.NilError(t, os.WriteFile(image, nil, 0o644))
	assert.NilError(t, os.Symlink(image, filepath.Join(dir, "current")))
	cases := []struct {
		name   string
		device string
		fsType string
		want   mountMethod
	}{
		{name: "a network filesystem", device: "nfs.example:/exports/docker", fsType: "nfs", want: mountNetwork},
		{name: "a file with a network type", device: image, fsType: "nfs", want: mountNetwork},
		{name: "an image file", device: image, fsType: "erofs", want: mountLoop},
		{name: "a symlink to an image file", device: filepath.Join(dir, "current"), fsType: "squashfs", want: mountLoop},
		{name: "a directory", device: dir, fsType: "ext4", want: mountDirect},
		{name: "a block device (absent here)", device: "/dev/does-not-exist", fsType: "ext4", want: mountDirect},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Check(t, is.Equal(methodFor(tc.device, tc.fsType), tc.want))
		})
	}
}

func TestOpenImageRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	_, err := openImage(dir)
	assert.Check(t, is.ErrorContains(err, "is not a regular file"))
	_, err = openImage(filepath.Join(dir, "absent.erofs"))
	assert.Check(t, is.ErrorContains(err, "opening image"))
}

// mkfsCommands make an image of dir at out, with Debian's tools.
var mkfsCommands = map[string]func(dir, out string) []string{
	"erofs": func(dir, out string) []string { return []string{"mkfs.erofs", "--quiet", out, dir} },
	"ext4": func(dir, out string) []string {
		return []string{"mkfs.ext4", "-q", "-O", "^has_journal", "-d", dir, out, "4M"}
	},
	"squashfs": func(dir, out string) []string { return []string{"mksquashfs", dir, out, "-quiet", "-no-progress"} },
}

// makeImage writes a small image holding hello.txt, or skips the test when
// the tool, the kernel's filesystem or loop devices are missing, or when not
// root.
func makeImage(t *testing.T, fsType string) string {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("attaching a loop device needs root")
	}
	if _, err := os.Stat(loopControl); err != nil {
		t.Skipf("no loop devices: %v", err)
	}
	if fs, err := os.ReadFile("/proc/filesystems"); err != nil || !strings.Contains(string(fs), "\t"+fsType+"\n") {
		t.Skipf("the kernel has no %s (modprobe %s)", fsType, fsType)
	}
	src, image := t.TempDir(), filepath.Join(t.TempDir(), "store."+fsType)
	args := mkfsCommands[fsType](src, image)
	if _, err := exec.LookPath(args[0]); err != nil {
		t.Skipf("no %s to make the image", args[0])
	}
	assert.NilError(t, os.WriteFile(filepath.Join(src, "hello.txt"), []byte("hello\n"), 0o644))
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	assert.NilError(t, err, "%s", out)
	return image
}

// loopsBackedBy lists the loop devices whose backing file is image.
func loopsBackedBy(t *testing.T, image string) []string {
	t.Helper()
	var found []string
	paths, err := filepath.Glob("/sys/block/loop*/loop/backing_file")
	assert.NilError(t, err)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil && strings.TrimSpace(string(b)) == image {
			found = append(found, strings.Split(p, "/")[3])
		}
	}
	return found
}

func sysLoop(t *testing.T, dev, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/sys/block", dev, file))
	assert.NilError(t, err)
	return strings.TrimSpace(string(b))
}

// waitDetached waits for autoclear, which the kernel may run a moment after
// the last user let go.
func waitDetached(t *testing.T, image string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(loopsBackedBy(t, image)) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	assert.Check(t, is.Len(loopsBackedBy(t, image), 0), "the loop device is still attached")
}

func TestMountImageThroughALoopDevice(t *testing.T) {
	for _, fsType := range []string{"erofs", "ext4", "squashfs"} {
		t.Run(fsType, func(t *testing.T) {
			image := makeImage(t, fsType)
			mnt := filepath.Join(t.TempDir(), "extra")
			mounted, err := mountStore(context.Background(), mnt, image, fsType, "")
			assert.NilError(t, err)
			assert.Check(t, mounted)
			defer func() {
				if m, _ := mountinfo.Mounted(mnt); m {
					_ = unmountStore(mnt)
				}
			}()

			b, err := os.ReadFile(filepath.Join(mnt, "hello.txt"))
			assert.NilError(t, err)
			assert.Check(t, is.Equal(string(b), "hello\n"))
			infos, err := mountinfo.GetMounts(mountinfo.SingleEntryFilter(mnt))
			assert.NilError(t, err)
			assert.Assert(t, is.Len(infos, 1))
			assert.Check(t, is.Equal(infos[0].FSType, fsType))
			for _, o := range []string{"ro", "nodev", "nosuid"} {
				assert.Check(t, is.Contains(strings.Split(infos[0].Options, ","), o))
			}
			dev := strings.TrimPrefix(infos[0].Source, "/dev/")
			assert.Check(t, is.DeepEqual(loopsBackedBy(t, image), []string{dev}))
			assert.Check(t, is.Equal(sysLoop(t, dev, "ro"), "1"), "the loop device is read-only")
			assert.Check(t, is.Equal(sysLoop(t, dev, "loop/autoclear"), "1"))

			assert.NilError(t, unmountStore(mnt))
			waitDetached(t, image)
		})
	}
}

func TestMountImageDetachesWhenTheMountFails(t *testing.T) {
	image := makeImage(t, "ext4")
	mnt := filepath.Join(t.TempDir(), "extra")
	mounted, err := mountStore(context.Background(), mnt, image, "squashfs", "")
	assert.Check(t, !mounted)
	assert.Check(t, is.ErrorContains(err, "mounting image "+image+" (squashfs on /dev/loop"))
	waitDetached(t, image)
}
