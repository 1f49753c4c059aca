// Package mediaset maps a project's media library to what the renderer needs
// (render.Media): the one place where the editor, `slate render` and the preview player turn
// a clip's media ID into a file, a kind, a rate and a size, so all three show the same thing.
//
// Contract: a Set implements render.MediaResolver and is safe for concurrent use. It reads
// the facts from the media's stored ffprobe data when present, and otherwise probes the file
// once (and remembers it). A file that is missing is resolved as Offline, never as an error,
// so playback shows the "media offline" slate and export names the missing file.
package mediaset

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// Source lists a project's media; *project.Project satisfies it.
type Source interface {
	Media() ([]project.Media, error)
}

// Set resolves media IDs of one project.
type Set struct {
	src Source
	mu  sync.Mutex
	by  map[timeline.ID]render.Media
}

// New makes a Set over a project's media.
func New(src Source) *Set { return &Set{src: src, by: map[timeline.ID]render.Media{}} }

// Reload forgets what was resolved, so media added or relinked since shows up.
func (s *Set) Reload() {
	s.mu.Lock()
	s.by = map[timeline.ID]render.Media{}
	s.mu.Unlock()
}

// Media implements render.MediaResolver.
func (s *Set) Media(id timeline.ID) (render.Media, error) {
	s.mu.Lock()
	m, ok := s.by[id]
	s.mu.Unlock()
	if ok {
		return m, nil
	}
	all, err := s.src.Media()
	if err != nil {
		return render.Media{}, err
	}
	for _, pm := range all {
		if pm.ID == id {
			m = Resolve(context.Background(), pm)
			s.mu.Lock()
			s.by[id] = m
			s.mu.Unlock()
			return m, nil
		}
	}
	return render.Media{}, fmt.Errorf("no media %d in the project", id)
}

// Resolve turns one media record into render.Media, probing the file when the record has no
// usable probe data.
func Resolve(ctx context.Context, pm project.Media) render.Media {
	m := render.Media{Name: pm.Name, Path: pm.Path, Kind: pm.Kind}
	if m.Name == "" {
		m.Name = filepath.Base(pm.Path)
	}
	f := facts{}
	if !f.read(pm.Probe) {
		if _, err := os.Stat(pm.Path); err != nil && !strings.Contains(pm.Path, "%") {
			m.Offline = true
			return m
		}
		raw, err := probe(ctx, pm.Path)
		if err != nil || !f.read(raw) {
			m.Offline = true
			return m
		}
	}
	if _, err := os.Stat(pm.Path); err != nil && !strings.Contains(pm.Path, "%") {
		m.Offline = true
	}
	m.Width, m.Height, m.Rate = f.width, f.height, f.rate
	m.HasVideo, m.HasAudio = f.video, f.audio
	if m.Kind == "" {
		m.Kind = f.kind()
	}
	return m
}

// facts are what the renderer needs from ffprobe's JSON (-show_streams -show_format).
type facts struct {
	width, height int
	rate          rt.Rate
	video, audio  bool
	still         bool
	seconds       float64
}

func (f *facts) kind() string {
	switch {
	case f.still:
		return "image"
	case f.video:
		return "video"
	case f.audio:
		return "audio"
	}
	return ""
}

// read understands ffprobe's own JSON, whatever wrapper it is stored in ("streams" at the
// top or under "probe"/"raw").
func (f *facts) read(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var doc struct {
		Streams []stream        `json:"streams"`
		Raw     json.RawMessage `json:"raw"`
		Probe   json.RawMessage `json:"probe"`
		Format  struct {
			Name     string `json:"format_name"`
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if json.Unmarshal(raw, &doc) != nil {
		return false
	}
	if len(doc.Streams) == 0 {
		return f.read(doc.Raw) || f.read(doc.Probe)
	}
	fmt.Sscan(doc.Format.Duration, &f.seconds)
	for _, s := range doc.Streams {
		switch s.CodecType {
		case "video":
			if f.video {
				continue
			}
			f.video = true
			f.width, f.height = s.Width, s.Height
			if r, err := rt.ParseRate(s.RFrameRate); err == nil {
				f.rate = r
			}
			rot := 0
			fmt.Sscan(s.Tags["rotate"], &rot)
			for _, sd := range s.SideData {
				if sd.Rotation != 0 {
					rot = int(sd.Rotation)
				}
			}
			if rot%180 != 0 {
				f.width, f.height = f.height, f.width
			}
			f.still = strings.Contains(doc.Format.Name, "_pipe") || doc.Format.Name == "image2" || s.NbFrames == "1"
		case "audio":
			f.audio = true
		}
	}
	return f.video || f.audio
}

type stream struct {
	CodecType  string            `json:"codec_type"`
	Width      int               `json:"width"`
	Height     int               `json:"height"`
	RFrameRate string            `json:"r_frame_rate"`
	NbFrames   string            `json:"nb_frames"`
	Tags       map[string]string `json:"tags"`
	SideData   []struct {
		Rotation float64 `json:"rotation"`
	} `json:"side_data_list"`
}

func probe(ctx context.Context, path string) (json.RawMessage, error) {
	ffprobe, err := render.FFprobe()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, ffprobe, "-v", "error", "-of", "json", "-show_streams", "-show_format", path).Output()
}

// Item is one media record as the media bin shows it.
type Item struct {
	project.Media
	Render  render.Media
	Seconds float64 // length; 0 for stills
}

// Frames is the item's length in frames at rate r (stills: 0).
func (it Item) Frames(r rt.Rate) rt.Time {
	f, err := r.FromSeconds(it.Seconds)
	if err != nil {
		return 0
	}
	return f
}

// Items lists the project's media with what the renderer knows of each.
func (s *Set) Items(ctx context.Context) ([]Item, error) {
	all, err := s.src.Media()
	if err != nil {
		return nil, err
	}
	out := make([]Item, 0, len(all))
	for _, pm := range all {
		m, _ := s.Media(pm.ID)
		f := facts{}
		f.read(pm.Probe)
		out = append(out, Item{Media: pm, Render: m, Seconds: f.seconds})
	}
	return out, nil
}

// Describe probes a file for adding it to a project: the record to store (probe data
// included) and what the renderer will see. Bad files give an error naming the file.
func Describe(ctx context.Context, path string) (project.Media, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return project.Media{}, err
	}
	st, err := os.Stat(abs)
	switch {
	case err != nil:
		return project.Media{}, fmt.Errorf("%s: %w", path, err)
	case st.IsDir():
		return project.Media{}, fmt.Errorf("%s: is a folder, not a media file", path)
	case st.Size() == 0:
		return project.Media{}, fmt.Errorf("%s: is empty (0 bytes)", path)
	}
	raw, err := probe(ctx, abs)
	f := facts{}
	if err != nil || !f.read(raw) {
		return project.Media{}, fmt.Errorf("%s: not a video, audio or image file ffmpeg can read", path)
	}
	return project.Media{Name: filepath.Base(abs), Path: abs, Kind: f.kind(), Probe: raw, Online: true}, nil
}
