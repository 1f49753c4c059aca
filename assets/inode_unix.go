//go:build unix

package assets

import (
	"fmt"
	"os"
	"syscall"
)

func inodeSuffix(st os.FileInfo) string {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("-%d", s.Ino)
	}
	return ""
}
