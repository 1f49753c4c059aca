package core

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// MediaKind says what a media item is.
type MediaKind string

// Media kinds.
const (
	KindVideo         MediaKind = "video"          // a movie file (it may also have sound: see Media.Audio)
	KindAudio         MediaKind = "audio"          // a sound file
	KindImage         MediaKind = "image"          // one still picture
	KindImageSequence MediaKind = "image-sequence" // numbered still pictures played as a movie
	KindGenerator     MediaKind = "generator"      // made on the fly: black, colour, bars, a title
)

// Media is one source a file's clips use. The timeline model names media by ID only
// (timeline.Source.Media); readers return these beside the timeline and writers take them, so
// the project store can match them with its own assets (see Doc.RemapMedia).
type Media struct {
	ID   timeline.ID `json:"id"`
	Name string      `json:"name,omitempty"`
	// Path is a file path (file:// URLs are decoded to one) or another URL as the file gave it.
	// It may be relative to the interchange file; Locate resolves it.
	Path string    `json:"path,omitempty"`
	Kind MediaKind `json:"kind"`
	// Rate is the media's own frame rate; the zero Rate means unknown (taken as the
	// timeline's).
	Rate rt.Rate `json:"rate"`
	// Available is the frames the media holds at Rate: Start is the timecode of its first frame
	// as a frame count (01:00:00:00 at 24 fps is 86400), Dur 0 means unknown.
	Available rt.Range `json:"available"`
	// Audio reports that a video has sound too.
	Audio bool `json:"audio,omitempty"`
	// Width and Height are the picture size in pixels, 0 when unknown.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// Missing says the file named no media (an OTIO MissingReference, an EDL event with no
	// file) or Locate did not find it. Such media is offline, never an error.
	Missing   bool           `json:"missing,omitempty"`
	Reel      string         `json:"reel,omitempty"` // tape or reel name (EDL)
	Sequence  *ImageSequence `json:"sequence,omitempty"`
	Generator *Generator     `json:"generator,omitempty"`
	// Slate is Slate's own data about the media (for a generated take, its generation
	// record). Writers that can carry it do (OTIO: metadata "slate" of the media reference);
	// readers give it back.
	Slate json.RawMessage `json:"slate,omitempty"`
}

// ImageSequence names the files of numbered stills: Dir/Prefix + number + Suffix, the number
// zero-padded to Padding digits, from StartFrame in steps of Step.
type ImageSequence struct {
	Dir        string `json:"dir,omitempty"`
	Prefix     string `json:"prefix,omitempty"`
	Suffix     string `json:"suffix,omitempty"`
	StartFrame int64  `json:"start_frame"`
	Step       int64  `json:"step"`
	Padding    int    `json:"padding"`
	// MissingFrame is what to show for a missing file: "error", "hold" or "black".
	MissingFrame string `json:"missing_frame,omitempty"`
}

// Pattern is the printf-style name of the files, e.g. "shots/a.%04d.exr".
func (s ImageSequence) Pattern() string {
	p := strings.ReplaceAll(s.Prefix, "%", "%%") + fmt.Sprintf("%%0%dd", max(s.Padding, 1)) + strings.ReplaceAll(s.Suffix, "%", "%%")
	if s.Dir == "" {
		return p
	}
	return path.Join(s.Dir, p)
}

// FramePath is the file of the n-th image (n counted from 0).
func (s ImageSequence) FramePath(n int64) string {
	step := s.Step
	if step == 0 {
		step = 1
	}
	name := fmt.Sprintf("%s%0*d%s", s.Prefix, max(s.Padding, 1), s.StartFrame+n*step, s.Suffix)
	if s.Dir == "" {
		return name
	}
	return path.Join(s.Dir, name)
}

// Generator is media made on the fly.
type Generator struct {
	// Kind is the generator: "black", "color", "SMPTEBars", "title" or whatever the file
	// named.
	Kind string `json:"kind"`
	// Params are its settings as a JSON object (OTIO GeneratorReference parameters).
	Params json.RawMessage `json:"params,omitempty"`
}

// Extra keeps, for each object of the timeline (by ID; 0 is the timeline itself) and under a
// key per kind of data ("otio.effects", "otio.metadata", "edl.comments", "cdl", ...), what a
// file held that the timeline model has no field for: foreign metadata, unknown OTIO schemas,
// colour decisions, comments. The writer of the same format puts it back, so reading a file
// and writing it again keeps it. Values are JSON.
type Extra map[timeline.ID]map[string]json.RawMessage

// Get returns the value stored under key for object id, or nil.
func (e Extra) Get(id timeline.ID, key string) json.RawMessage {
	if e == nil {
		return nil
	}
	return e[id][key]
}

// Set stores v (nil deletes) under key for object id.
func (e Extra) Set(id timeline.ID, key string, v json.RawMessage) {
	if v == nil {
		if m := e[id]; m != nil {
			delete(m, key)
			if len(m) == 0 {
				delete(e, id)
			}
		}
		return
	}
	m := e[id]
	if m == nil {
		m = map[string]json.RawMessage{}
		e[id] = m
	}
	m[key] = v
}

// Doc is what a reader returns and a writer takes: a timeline, the media its clips name, and
// what the timeline model cannot hold.
type Doc struct {
	Timeline *timeline.Timeline `json:"timeline"`
	Media    []Media            `json:"media"`
	// Start is the timecode of the timeline's frame 0, as frames at the timeline rate (an
	// EDL's first record timecode, OTIO's global_start_time, FCPXML's tcStart).
	Start rt.Time `json:"start,omitempty"`
	// DropFrame says timecode is counted drop-frame (29.97 and 59.94 only).
	DropFrame bool  `json:"drop_frame,omitempty"`
	Extra     Extra `json:"extra,omitempty"`
	// Warnings list what a reader or writer could not carry over exactly, one line each.
	Warnings []string `json:"warnings,omitempty"`
}

// MediaByID finds a media item.
func (d *Doc) MediaByID(id timeline.ID) (*Media, bool) {
	for i := range d.Media {
		if d.Media[i].ID == id {
			return &d.Media[i], true
		}
	}
	return nil, false
}

// Warnf records a warning.
func (d *Doc) Warnf(format string, args ...any) {
	d.Warnings = append(d.Warnings, fmt.Sprintf(format, args...))
}

// RemapMedia renames media IDs: every Media.ID and every clip's Source.Media found in m is
// replaced by its new value (the project store calls it after matching the file's media with
// its assets). IDs not in m stay.
func (d *Doc) RemapMedia(m map[timeline.ID]timeline.ID) {
	for i := range d.Media {
		if n, ok := m[d.Media[i].ID]; ok {
			d.Media[i].ID = n
		}
	}
	if d.Timeline == nil {
		return
	}
	for _, s := range d.Timeline.Sequences() {
		for _, t := range s.Tracks {
			for _, c := range t.Clips {
				if n, ok := m[c.Source.Media]; ok && c.Source.Media != 0 {
					c.Source.Media = n
				}
			}
		}
	}
}

// Check verifies a Doc before writing: a valid timeline, and every clip's media present.
func (d *Doc) Check() error {
	if d == nil || d.Timeline == nil {
		return fmt.Errorf("no timeline to write")
	}
	if err := d.Timeline.Check(); err != nil {
		return err
	}
	ids := map[timeline.ID]bool{}
	for _, m := range d.Media {
		if m.ID <= 0 {
			return fmt.Errorf("media %q has invalid id %d", m.Name, m.ID)
		}
		if ids[m.ID] {
			return fmt.Errorf("media id %d is used twice", m.ID)
		}
		ids[m.ID] = true
	}
	for _, s := range d.Timeline.Sequences() {
		for _, t := range s.Tracks {
			for _, c := range t.Clips {
				if c.Source.Media != 0 && !ids[c.Source.Media] {
					return fmt.Errorf("clip %d uses media %d, which is not in the media list", c.ID, c.Source.Media)
				}
			}
		}
	}
	return nil
}

// ReadOptions steer the readers. The zero value is usable.
type ReadOptions struct {
	// Rate is the timeline rate. EDL: the rate its timecode counts at (an EDL does not say;
	// default 24). OTIO and FCPXML: default the file's own rate.
	Rate rt.Rate
	// Width, Height and SampleRate are the timeline format where the file has none (default
	// 1920x1080, 48000 Hz).
	Width, Height, SampleRate int
	// Strict makes a reader refuse what it would otherwise repair with a warning: EDL
	// record/source duration mismatches and overlapping record times, transitions the
	// model cannot hold.
	Strict bool
	// UnpackDir is where .otioz unpacks its media/ folder ("" leaves the bundle's media in
	// the zip; their paths stay relative, "media/...").
	UnpackDir string
	// MediaDirs are folders ReadFile looks in, by file name, for media not found where the
	// file says (see Locate).
	MediaDirs []string
}

// WriteOptions steer the writers. The zero value is usable.
type WriteOptions struct {
	// Title names the edit (EDL TITLE, FCPXML project); default the main sequence's name.
	Title string
	// VideoTrack picks the video track an EDL holds, counting video tracks from 1 (0 means
	// 1). CMX 3600 has one picture channel, so each further video track needs its own EDL.
	// Audio tracks come along as channels A, A2, A3, A4.
	VideoTrack int
	// FCPXMLVersion is the version an FCPXML writer declares ("1.9" unless set).
	FCPXMLVersion string
}

// DefaultSettings fills in what the options leave zero.
func (o ReadOptions) DefaultSettings(r rt.Rate) timeline.Settings {
	s := timeline.Settings{Rate: r, Width: o.Width, Height: o.Height, SampleRate: o.SampleRate}
	if s.Width <= 0 || s.Height <= 0 {
		s.Width, s.Height = 1920, 1080
	}
	if s.SampleRate <= 0 {
		s.SampleRate = 48000
	}
	return s
}

// SortedExtraIDs lists the IDs in e in order (for stable output).
func SortedExtraIDs(e Extra) []timeline.ID {
	ids := make([]timeline.ID, 0, len(e))
	for id := range e {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Rebase tells the doc that media id starts at timecode start (frames at rate): an EDL names
// source frames by timecode and cannot know where a file's timecode begins, so it reads them
// as counted from 00:00:00:00. Clips using the media keep showing the same timecodes; the
// project store calls this once it has probed the file.
func (d *Doc) Rebase(id timeline.ID, start rt.Time, rate rt.Rate) error {
	m, ok := d.MediaByID(id)
	if !ok {
		return fmt.Errorf("no media %d", id)
	}
	tl := d.Timeline
	oldBase, err := baseFrames(m.Available.Start, m.Rate, tl.Rate)
	if err != nil {
		return err
	}
	newBase, err := baseFrames(start, rate, tl.Rate)
	if err != nil {
		return err
	}
	shift := oldBase - newBase
	var moved []*timeline.Clip
	for _, s := range tl.Sequences() {
		for _, t := range s.Tracks {
			for _, c := range t.Clips {
				if c.Source.Media != id || shift == 0 {
					continue
				}
				n := c.Clone()
				n.In += shift
				if err := tl.ValidateClip(n); err != nil {
					return fmt.Errorf("media %q cannot start at %d: %w", m.Name, start, err)
				}
				moved = append(moved, n)
			}
		}
	}
	for _, n := range moved { // all checked first: either every clip moves or none
		if _, err := tl.ReplaceClip(n); err != nil {
			return fmt.Errorf("media %q: clip %d: %w", m.Name, n.ID, err)
		}
	}
	m.Rate, m.Available.Start = rate, start
	return nil
}

func baseFrames(t rt.Time, from, to rt.Rate) (rt.Time, error) {
	if t == 0 || from.Validate() != nil {
		return 0, nil
	}
	return rt.Rescale(t, from, to)
}
