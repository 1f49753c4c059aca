package interchange_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/timeline/interchange"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
	"github.com/slate-nle/slate/timeline/rt"
)

func TestFormatOfTheFileName(t *testing.T) {
	tests := []struct {
		path string
		want interchange.Format
		bad  bool
	}{
		{"cut.otio", interchange.OTIO, false},
		{"/a/b/Cut.OTIOZ", interchange.OTIOZ, false},
		{"reel1.edl", interchange.EDL, false},
		{"cut.fcpxml", interchange.FCPXML, false},
		{"Cut.fcpxmld/", interchange.FCPXML, false},
		{"cut.mlt", interchange.MLT, false},
		{"cut.xml", "", true},
		{"cut", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.path+" is "+string(tt.want), func(t *testing.T) {
			got, err := interchange.FormatOf(tt.path)
			if (err != nil) != tt.bad || got != tt.want {
				t.Errorf("got %q, %v", got, err)
			}
		})
	}
	t.Run("format names parse in any case", func(t *testing.T) {
		if f, err := interchange.ParseFormat(".EDL"); err != nil || f != interchange.EDL {
			t.Errorf("got %q, %v", f, err)
		}
		if _, err := interchange.ParseFormat("aaf"); err == nil {
			t.Error("aaf accepted")
		}
	})
}

func TestEveryFormatRoundTripsThroughFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range interchange.Formats {
		t.Run(string(f.Format)+" writes a file"+map[bool]string{true: " and reads it back", false: ""}[f.Read], func(t *testing.T) {
			doc := ixtest.Rich(t)
			path := filepath.Join(dir, "cut"+f.Ext)
			if err := interchange.WriteFile(path, doc, interchange.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if !f.Read {
				if _, err := interchange.ReadFile(path, interchange.ReadOptions{}); err == nil {
					t.Error("reading a write-only format did not fail")
				}
				return
			}
			got, err := interchange.ReadFile(path, interchange.ReadOptions{Rate: rt.Rate24})
			if err != nil {
				t.Fatal(err)
			}
			want := ixtest.Cuts(doc, &doc.Timeline.Sequence, false)
			if f.Format == interchange.EDL { // one video track per EDL: V1 and the audio
				var keep []string
				for _, l := range want {
					if !strings.HasPrefix(l, "v1 ") {
						keep = append(keep, strings.Replace(strings.Replace(l, "a2 ", "a1 ", 1), "a3 ", "a2 ", 1))
					}
				}
				want = keep
			}
			if d := ixtest.Diff(want, ixtest.Cuts(got, &got.Timeline.Sequence, false)); d != "" {
				t.Errorf("cuts differ:\n%s", d)
			}
			// The media are not on disk: offline, not an error.
			for _, m := range got.Media {
				if !m.Missing {
					t.Errorf("media %q found at %s", m.Name, m.Path)
				}
			}
		})
	}
}

func TestReadFileLocatesMedia(t *testing.T) {
	dir := t.TempDir()
	media := t.TempDir()
	doc := ixtest.Rich(t)
	// a.mov lives beside the file (relative path), c.mov in the media folder, the rest
	// nowhere.
	doc.Media[0].Path = "a.mov"
	if err := os.WriteFile(filepath.Join(dir, "a.mov"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(media, "c.mov"), []byte("c"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "cut.otio")
	if err := interchange.WriteFile(path, doc, interchange.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := interchange.ReadFile(path, interchange.ReadOptions{MediaDirs: []string{media}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": filepath.Join(dir, "a.mov"), "c": filepath.Join(media, "c.mov")}
	for _, m := range got.Media {
		t.Run("media "+m.Name+" is found or offline", func(t *testing.T) {
			if p, ok := want[m.Name]; ok {
				if m.Missing || m.Path != p {
					t.Errorf("path %s missing %v, want %s", m.Path, m.Missing, p)
				}
			} else if !m.Missing {
				t.Errorf("%s found at %s", m.Name, m.Path)
			}
		})
	}
}

func TestAFailedWriteLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	doc := ixtest.Rich(t)
	doc.Start = 24*3600*24 - 1 // past a day of timecode: an EDL cannot hold it
	path := filepath.Join(dir, "cut.edl")
	if err := interchange.WriteFile(path, doc, interchange.WriteOptions{}); err == nil {
		t.Fatal("no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestReadNamesTheFileInErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.edl")
	if err := os.WriteFile(path, []byte("001 AX V C 01:00:00:00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := interchange.ReadFile(path, interchange.ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("error %v", err)
	}
	t.Run("reading a stream in a write-only format is refused", func(t *testing.T) {
		if _, err := interchange.Read(bytes.NewReader(nil), interchange.MLT, interchange.ReadOptions{}); err == nil {
			t.Error("no error")
		}
	})
}
