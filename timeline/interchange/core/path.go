package core

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// PathFromURL turns a file:// URL into a path (percent-decoded; "file:///C:/x" gives
// "C:/x"). Anything else is returned as it is.
func PathFromURL(s string) string {
	if !strings.HasPrefix(strings.ToLower(s), "file:") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || u.Path == "" {
		return strings.TrimPrefix(s[len("file:"):], "//")
	}
	p := u.Path
	if len(p) > 3 && p[0] == '/' && p[2] == ':' { // a Windows drive
		p = p[1:]
	}
	if u.Host != "" && u.Host != "localhost" {
		p = "//" + u.Host + p
	}
	return p
}

// FileURL is a file:// URL for an absolute path, or the path itself when it is relative or
// already a URL (so relative references stay relative).
func FileURL(p string) string {
	if p == "" || strings.Contains(p, "://") || !filepath.IsAbs(p) {
		return p
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// baseName is the last element of a path written with / or \ separators.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// Locate finds media files on disk. A path is tried as it is when absolute, relative to dir
// (the folder of the interchange file) when relative, and by its file name in each of
// mediaDirs. Found media get the path found and Missing false; media not found are marked
// Missing (offline: never an error). Generators are left alone.
func Locate(media []Media, dir string, mediaDirs ...string) {
	for i := range media {
		m := &media[i]
		if m.Kind == KindGenerator {
			continue
		}
		probe := m.Path
		if m.Kind == KindImageSequence && m.Sequence != nil {
			probe = m.Sequence.FramePath(0)
		}
		found := ""
		for _, c := range candidates(probe, m.Name, dir, mediaDirs) {
			if st, err := os.Stat(c); err == nil && !st.IsDir() {
				found = c
				break
			}
		}
		if found == "" {
			m.Missing = true
			continue
		}
		m.Missing = false
		if m.Kind == KindImageSequence && m.Sequence != nil {
			m.Sequence.Dir = filepath.ToSlash(filepath.Dir(found))
			m.Path = m.Sequence.Pattern()
			continue
		}
		m.Path = found
	}
}

func candidates(p, name, dir string, mediaDirs []string) []string {
	var out []string
	if p != "" && !strings.Contains(p, "://") {
		local := filepath.FromSlash(p)
		if filepath.IsAbs(local) {
			out = append(out, local)
		} else if dir != "" {
			out = append(out, filepath.Join(dir, local))
		} else {
			out = append(out, local)
		}
	}
	for _, md := range mediaDirs {
		if md == "" {
			continue
		}
		if b := baseName(p); b != "" {
			out = append(out, filepath.Join(md, b))
		}
		if name != "" && name != baseName(p) && !strings.ContainsAny(name, `/\`) {
			out = append(out, filepath.Join(md, name))
		}
	}
	return out
}
