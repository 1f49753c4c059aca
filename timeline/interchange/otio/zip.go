package otio

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/slate-nle/slate/timeline/interchange/core"
)

// .otioz is OTIO's bundle: a zip holding content.otio, version.txt and the media under media/,
// which content.otio names by relative URLs ("media/a.mov").

const (
	bundleContent = "content.otio"
	bundleVersion = "version.txt"
	bundleMedia   = "media/"
)

// WriteZip writes doc as an .otioz bundle with its media files copied in. Media that is
// missing, a generator, or not a readable local file stays referenced where it is, with a
// warning in doc.Warnings.
func WriteZip(w io.Writer, doc *core.Doc) error {
	if err := doc.Check(); err != nil {
		return fmt.Errorf("otioz: %w", err)
	}
	zw := zip.NewWriter(w)
	names := map[string]bool{}
	inBundle := map[*core.Media]string{} // media -> its bundle URL (the sequence folder for images)
	unique := func(base string) string {
		n := base
		for i := 2; names[n]; i++ {
			ext := path.Ext(base)
			n = fmt.Sprintf("%s_%d%s", strings.TrimSuffix(base, ext), i, ext)
		}
		names[n] = true
		return n
	}
	copyFile := func(src, dst string) error {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		// Media is already compressed: store it.
		out, err := zw.CreateHeader(&zip.FileHeader{Name: dst, Method: zip.Store})
		if err != nil {
			return err
		}
		_, err = io.Copy(out, f)
		return err
	}
	for i := range doc.Media {
		m := &doc.Media[i]
		if m.Missing || m.Path == "" || m.Kind == core.KindGenerator || strings.Contains(m.Path, "://") {
			continue
		}
		if m.Kind == core.KindImageSequence && m.Sequence != nil {
			dir := unique(strings.TrimRight(m.Sequence.Prefix, "._-"))
			if dir == "" {
				dir = unique("sequence")
			}
			n := int64(0)
			for ; m.Available.Dur == 0 || n < int64(m.Available.Dur); n++ {
				src := filepath.FromSlash(m.Sequence.FramePath(n))
				if _, err := os.Stat(src); err != nil {
					break
				}
				if err := copyFile(src, bundleMedia+dir+"/"+path.Base(filepath.ToSlash(src))); err != nil {
					return fmt.Errorf("otioz: media %q: %w", m.Name, err)
				}
			}
			if n == 0 {
				doc.Warnf("otioz: media %q: no frames found at %s: left outside the bundle", m.Name, m.Path)
				continue
			}
			inBundle[m] = bundleMedia + dir
			continue
		}
		st, err := os.Stat(m.Path)
		if err != nil || st.IsDir() {
			doc.Warnf("otioz: media %q: %s is not a readable file: left outside the bundle", m.Name, m.Path)
			continue
		}
		name := bundleMedia + unique(filepath.Base(m.Path))
		if err := copyFile(m.Path, name); err != nil {
			return fmt.Errorf("otioz: media %q: %w", m.Name, err)
		}
		inBundle[m] = name
	}
	content, err := encode(doc, func(m *core.Media) string {
		for bm, u := range inBundle {
			if bm.Path == m.Path || (bm.Sequence != nil && bm.Sequence.Dir == m.Path) {
				return u
			}
		}
		return core.FileURL(m.Path)
	})
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{bundleContent, content}, {bundleVersion, []byte("1.0.0\n")}} {
		out, err := zw.Create(f.name)
		if err != nil {
			return err
		}
		if _, err := out.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// ReadZip reads an .otioz bundle. With opts.UnpackDir set, its media/ files are unpacked there
// and the media point at them; otherwise media paths stay relative to the bundle
// ("media/a.mov").
func ReadZip(r io.ReaderAt, size int64, opts core.ReadOptions) (*core.Doc, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("otioz: not a zip file: %w", err)
	}
	var content *zip.File
	for _, f := range zr.File {
		if f.Name == bundleContent {
			content = f
		}
	}
	if content == nil {
		return nil, fmt.Errorf("otioz: the bundle has no %s", bundleContent)
	}
	if content.UncompressedSize64 > maxInput {
		return nil, fmt.Errorf("otioz: %s is larger than %d MB", bundleContent, maxInput>>20)
	}
	rc, err := content.Open()
	if err != nil {
		return nil, fmt.Errorf("otioz: %w", err)
	}
	var buf bytes.Buffer
	_, err = io.Copy(&buf, io.LimitReader(rc, maxInput))
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("otioz: %s: %w", bundleContent, err)
	}
	doc, err := Decode(buf.Bytes(), opts)
	if err != nil {
		return nil, err
	}
	if opts.UnpackDir == "" {
		return doc, nil
	}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, bundleMedia) || strings.HasSuffix(f.Name, "/") {
			continue
		}
		rel := path.Clean(strings.TrimPrefix(f.Name, bundleMedia))
		if rel == "." || strings.HasPrefix(rel, "../") || path.IsAbs(rel) || strings.Contains(rel, `\`) {
			return nil, fmt.Errorf("otioz: unsafe media name %q in the bundle", f.Name)
		}
		dst := filepath.Join(opts.UnpackDir, filepath.FromSlash(rel))
		if err := unpack(f, dst); err != nil {
			return nil, fmt.Errorf("otioz: %s: %w", f.Name, err)
		}
	}
	for i := range doc.Media {
		m := &doc.Media[i]
		if m.Kind == core.KindImageSequence && m.Sequence != nil && strings.HasPrefix(m.Sequence.Dir, bundleMedia) {
			m.Sequence.Dir = filepath.ToSlash(filepath.Join(opts.UnpackDir, filepath.FromSlash(strings.TrimPrefix(m.Sequence.Dir, bundleMedia))))
			m.Path = m.Sequence.Pattern()
			continue
		}
		if strings.HasPrefix(m.Path, bundleMedia) {
			m.Path = filepath.Join(opts.UnpackDir, filepath.FromSlash(strings.TrimPrefix(m.Path, bundleMedia)))
		}
	}
	return doc, nil
}

func unpack(f *zip.File, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, rc); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
