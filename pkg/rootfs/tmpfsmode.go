package rootfs

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// withCoveredMode is runc's default for a tmpfs: the mode of the directory
// it covers, when the image has one (a directory made for the mount keeps
// the tmpfs default, 1777). It goes first, so a mode= the config gives
// still wins (the last of a repeated tmpfs option counts). The directory
// is reached inside the root, as the mount target will be.
func (b *builder) withCoveredMode(dest string, data []string) []string {
	fd, err := openInRoot(b.root, dest, 0)
	if err != nil {
		return data // made below, or the mount reports the error
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return data
	}
	mode := st.Mode & (unix.S_ISUID | unix.S_ISGID | unix.S_ISVTX | 0o777)
	return append([]string{fmt.Sprintf("mode=%04o", mode)}, data...)
}
