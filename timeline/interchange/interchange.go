package interchange

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/edl"
	"github.com/slate-nle/slate/timeline/interchange/fcpxml"
	"github.com/slate-nle/slate/timeline/interchange/mlt"
	"github.com/slate-nle/slate/timeline/interchange/otio"
)

// The shared types live in package core so the format packages can use them; these names
// are the ones to use.
type (
	Doc           = core.Doc
	Media         = core.Media
	MediaKind     = core.MediaKind
	ImageSequence = core.ImageSequence
	Generator     = core.Generator
	Extra         = core.Extra
	ReadOptions   = core.ReadOptions
	WriteOptions  = core.WriteOptions
)

// Media kinds.
const (
	KindVideo         = core.KindVideo
	KindAudio         = core.KindAudio
	KindImage         = core.KindImage
	KindImageSequence = core.KindImageSequence
	KindGenerator     = core.KindGenerator
)

// Format is an interchange file format.
type Format string

// Formats.
const (
	OTIO   Format = "otio"   // OpenTimelineIO JSON
	OTIOZ  Format = "otioz"  // OpenTimelineIO bundle: a zip with content.otio and media/
	EDL    Format = "edl"    // CMX 3600 edit decision list
	FCPXML Format = "fcpxml" // Final Cut Pro XML (written as 1.9, read 1.8-1.11)
	MLT    Format = "mlt"    // MLT XML (melt, Shotcut, Kdenlive); written only
)

// Formats lists every format, with whether Slate reads and writes it.
var Formats = []struct {
	Format      Format
	Read, Write bool
	Ext         string
}{
	{OTIO, true, true, ".otio"},
	{OTIOZ, true, true, ".otioz"},
	{EDL, true, true, ".edl"},
	{FCPXML, true, true, ".fcpxml"},
	{MLT, false, true, ".mlt"},
}

// FormatOf picks the format from a file name's extension (.fcpxmld, Final Cut Pro's bundle
// folder, reads as FCPXML).
func FormatOf(path string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(strings.TrimRight(path, `/\`)))
	if ext == ".fcpxmld" {
		return FCPXML, nil
	}
	for _, f := range Formats {
		if ext == f.Ext {
			return f.Format, nil
		}
	}
	return "", fmt.Errorf("%s: unknown timeline format %q: want .otio, .otioz, .edl, .fcpxml or .mlt", path, ext)
}

// ParseFormat reads a format name ("otio", "EDL", ".fcpxml").
func ParseFormat(s string) (Format, error) {
	n := Format(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "."))
	for _, f := range Formats {
		if f.Format == n {
			return n, nil
		}
	}
	return "", fmt.Errorf("unknown timeline format %q: want otio, otioz, edl, fcpxml or mlt", s)
}

// sizedReaderAt is what a zip reader needs; bytes.Reader and strings.Reader are one.
type sizedReaderAt interface {
	io.ReaderAt
	Size() int64
}

// maxZipInMemory bounds an .otioz read from a plain stream (a file is read in place).
const maxZipInMemory = 2 << 30

// Read reads a timeline in the given format. Media paths are left as the file gives them:
// ReadFile, or Locate, resolves them.
func Read(r io.Reader, format Format, opts ReadOptions) (*Doc, error) {
	switch format {
	case OTIO:
		return otio.Read(r, opts)
	case OTIOZ:
		switch x := r.(type) {
		case *os.File:
			st, err := x.Stat()
			if err != nil {
				return nil, err
			}
			return otio.ReadZip(x, st.Size(), opts)
		case sizedReaderAt:
			return otio.ReadZip(x, x.Size(), opts)
		}
		b, err := io.ReadAll(io.LimitReader(r, maxZipInMemory+1))
		if err != nil {
			return nil, err
		}
		if len(b) > maxZipInMemory {
			return nil, fmt.Errorf("otioz: stream larger than %d GB: read it from a file", maxZipInMemory>>30)
		}
		return otio.ReadZip(bytes.NewReader(b), int64(len(b)), opts)
	case EDL:
		return edl.Read(r, opts)
	case FCPXML:
		return fcpxml.Read(r, opts)
	case MLT:
		return nil, fmt.Errorf("mlt: Slate writes MLT XML but does not read it")
	}
	return nil, fmt.Errorf("unknown timeline format %q", format)
}

// Write writes doc in the given format. What the format cannot hold is appended to
// doc.Warnings. On an error part of the output may have been written: WriteFile writes
// nothing in that case.
func Write(w io.Writer, format Format, doc *Doc, opts WriteOptions) error {
	switch format {
	case OTIO:
		return otio.Write(w, doc)
	case OTIOZ:
		return otio.WriteZip(w, doc)
	case EDL:
		return edl.Write(w, doc, opts)
	case FCPXML:
		return fcpxml.Write(w, doc, opts)
	case MLT:
		return mlt.Write(w, doc, opts)
	}
	return fmt.Errorf("unknown timeline format %q", format)
}

// ReadFile reads a timeline file, picking the format from its extension, and locates its
// media: by the path the file gives, relative to the file's folder, or by name in
// opts.MediaDirs. Media not found is marked Missing (offline), never an error.
func ReadFile(path string, opts ReadOptions) (*Doc, error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	name := path
	if strings.EqualFold(filepath.Ext(strings.TrimRight(path, `/\`)), ".fcpxmld") {
		name = filepath.Join(path, "Info.fcpxml")
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := Read(f, format, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	core.Locate(doc.Media, filepath.Dir(name), opts.MediaDirs...)
	return doc, nil
}

// WriteFile writes doc to path in the format its extension names. It writes a temporary file
// beside path and renames it into place, so on an error nothing is left at path.
func WriteFile(path string, doc *Doc, opts WriteOptions) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := Write(tmp, format, doc, opts); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Locate finds media files on disk (see core.Locate).
func Locate(media []Media, dir string, mediaDirs ...string) { core.Locate(media, dir, mediaDirs...) }
