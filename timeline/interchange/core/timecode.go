package core

import (
	"fmt"
	"strings"

	"github.com/slate-nle/slate/timeline/rt"
)

// ParseTC reads SMPTE timecode at rate r. drop says the file counts drop-frame (EDL "FCM:
// DROP FRAME"), in which case a timecode written with ':' only is read as drop-frame too; a
// ';' always means drop-frame.
func ParseTC(s string, r rt.Rate, drop bool) (rt.Time, error) {
	s = strings.TrimSpace(s)
	if drop && r.DropFrameAllowed() && !strings.ContainsAny(s, ";.") {
		if i := strings.LastIndexByte(s, ':'); i >= 0 {
			s = s[:i] + ";" + s[i+1:]
		}
	}
	return rt.ParseTimecode(s, r)
}

// FormatTC writes frame t at rate r as timecode (drop-frame where asked and possible).
func FormatTC(t rt.Time, r rt.Rate, drop bool) (string, error) {
	drop = drop && r.DropFrameAllowed()
	s, err := rt.FormatTimecode(t, r, drop)
	if err != nil {
		return "", fmt.Errorf("timecode: %w", err)
	}
	return s, nil
}
