//go:build !unix

package assets

import "os"

func inodeSuffix(os.FileInfo) string { return "" }
