package project_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

var hd = timeline.Settings{Rate: rt.Rate24, Width: 1920, Height: 1080, SampleRate: 48000, ColorSpace: "bt709"}

// create makes a project with backups off in a fresh folder.
func create(t testing.TB) (*project.Project, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "film.slate")
	p, err := project.Create(path, hd, project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, path
}

func reopen(t testing.TB, p *project.Project) *project.Project {
	t.Helper()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	q, err := project.Open(p.Path(), project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func cmd(t testing.TB, line string) edit.Command {
	t.Helper()
	c, err := edit.Unmarshal([]byte(line))
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return c
}

// apply applies script lines that must all work.
func apply(t testing.TB, p *project.Project, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if err := p.Apply(cmd(t, l)); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
}

// starter is a small edit: two video tracks and an audio track with clips, keyframes, a
// transition and a marker.
var starter = []string{
	`{"op":"add-track","kind":"video"}`,
	`{"op":"add-track","kind":"video"}`,
	`{"op":"add-track","kind":"audio"}`,
	`{"op":"append","track":2,"clip":{"media":1,"in":10,"dur":100,"source_dur":500}}`,
	`{"op":"append","track":2,"clip":{"media":2,"in":10,"dur":80,"source_dur":500}}`,
	`{"op":"append","track":4,"clip":{"media":3,"dur":200}}`,
	`{"op":"set-keyframe","clip":5,"param":"opacity","t":0,"v":0,"interp":"ease-in-out-cubic"}`,
	`{"op":"set-keyframe","clip":5,"param":"opacity","t":24,"v":1}`,
	`{"op":"set-keyframe","clip":5,"param":"position.x","t":10,"v":-200,"interp":"bezier","out_dt":8,"out_dv":3,"in_dt":-4,"in_dv":1}`,
	`{"op":"set-keyframe","clip":5,"param":"position.x","t":40,"v":100}`,
	`{"op":"add-transition","a":5,"kind":"dissolve","dur":12}`,
	`{"op":"add-marker","at":48,"name":"Beat","color":"red","note":"music hit"}`,
}

// ids lists the IDs of what is in a timeline, by kind.
type ids struct{ clips, tracks, trans, markers, seqs []timeline.ID }

func idsOf(tl *timeline.Timeline) ids {
	var x ids
	for i, s := range tl.Sequences() {
		if i > 0 {
			x.seqs = append(x.seqs, s.ID)
		}
		for _, m := range s.Markers {
			x.markers = append(x.markers, m.ID)
		}
		for _, t := range s.Tracks {
			x.tracks = append(x.tracks, t.ID)
			for _, c := range t.Clips {
				x.clips = append(x.clips, c.ID)
			}
			for _, tr := range t.Transitions {
				x.trans = append(x.trans, tr.ID)
			}
		}
	}
	return x
}

// randomCommand makes a command line that is often valid and sometimes not, over the whole
// vocabulary users type: ids and frames are drawn near the ones in use.
func randomCommand(r *rand.Rand, tl *timeline.Timeline) string {
	x := idsOf(tl)
	pick := func(ids []timeline.ID) timeline.ID {
		if len(ids) == 0 || r.IntN(25) == 0 {
			return timeline.ID(r.IntN(int(tl.NextID) + 3))
		}
		return ids[r.IntN(len(ids))]
	}
	f := func() int { return r.IntN(400) - 5 }
	d := func() int { return r.IntN(60) - 3 }
	by := func() int { return r.IntN(41) - 20 }
	v := func() string {
		switch r.IntN(6) {
		case 0:
			return "-0"
		case 1:
			return "0.1"
		}
		return fmt.Sprint(r.Float64())
	}
	params := []string{"opacity", "scale", "position.x", "volume", "rotation"}
	interps := keyframe.AllInterps()
	switch r.IntN(40) {
	case 0:
		if len(x.seqs) > 0 && r.IntN(3) == 0 {
			return fmt.Sprintf(`{"op":"add-track","kind":"video","seq":%d}`, x.seqs[r.IntN(len(x.seqs))])
		}
		return fmt.Sprintf(`{"op":"add-track","kind":%q,"name":"T%d"}`, []string{"video", "audio"}[r.IntN(2)], r.IntN(9))
	case 1:
		if r.IntN(3) == 0 {
			return fmt.Sprintf(`{"op":"remove-track","track":%d}`, pick(x.tracks))
		}
		return `{"op":"add-track","kind":"audio"}`
	case 2:
		return fmt.Sprintf(`{"op":"move-track","track":%d,"index":%d}`, pick(x.tracks), r.IntN(4))
	case 3:
		return fmt.Sprintf(`{"op":"set-track","track":%d,"lock":%v,"mute":%v,"name":"N%d"}`, pick(x.tracks), r.IntN(8) == 0, r.IntN(2) == 0, r.IntN(9))
	case 4, 5:
		return fmt.Sprintf(`{"op":"insert","track":%d,"at":%d,"sync":%v,"clip":{"media":%d,"in":%d,"dur":%d,"source_dur":%d}}`,
			pick(x.tracks), f(), r.IntN(2) == 0, 1+r.IntN(5), r.IntN(100), d(), []int{0, 300}[r.IntN(2)])
	case 6, 7:
		return fmt.Sprintf(`{"op":"overwrite","track":%d,"at":%d,"clip":{"media":%d,"in":%d,"dur":%d,"source_dur":300,"name":"c"}}`,
			pick(x.tracks), f(), 1+r.IntN(5), r.IntN(100), d())
	case 8:
		if len(x.seqs) > 0 && r.IntN(2) == 0 {
			return fmt.Sprintf(`{"op":"append","track":%d,"clip":{"sequence":%d,"dur":%d}}`, pick(x.tracks), x.seqs[r.IntN(len(x.seqs))], d())
		}
		return fmt.Sprintf(`{"op":"append","track":%d,"clip":{"media":2,"dur":%d,"params":{"scale":{"static":%s,"keys":[{"t":0,"v":1},{"t":9,"v":%s,"interp":"hold"}]}}}}`, pick(x.tracks), d(), v(), v())
	case 9:
		return fmt.Sprintf(`{"op":"lift","clip":%d}`, pick(x.clips))
	case 10:
		return fmt.Sprintf(`{"op":"ripple-delete","clip":%d,"sync":%v}`, pick(x.clips), r.IntN(3) == 0)
	case 11:
		if r.IntN(2) == 0 {
			return fmt.Sprintf(`{"op":"split","at":%d}`, f())
		}
		return fmt.Sprintf(`{"op":"split","clip":%d,"at":%d}`, pick(x.clips), f())
	case 12:
		return fmt.Sprintf(`{"op":"trim-head","clip":%d,"by":%d,"ripple":%v}`, pick(x.clips), by(), r.IntN(2) == 0)
	case 13:
		return fmt.Sprintf(`{"op":"trim-tail","clip":%d,"by":%d,"ripple":%v}`, pick(x.clips), by(), r.IntN(2) == 0)
	case 14:
		return fmt.Sprintf(`{"op":"roll","clip":%d,"by":%d}`, pick(x.clips), by())
	case 15:
		return fmt.Sprintf(`{"op":"slip","clip":%d,"by":%d}`, pick(x.clips), by())
	case 16:
		return fmt.Sprintf(`{"op":"slide","clip":%d,"by":%d}`, pick(x.clips), by())
	case 17:
		return fmt.Sprintf(`{"op":"move","clip":%d,"to":%d,"track":%d}`, pick(x.clips), f(), pick(x.tracks))
	case 18:
		return fmt.Sprintf(`{"op":"set-clip","clip":%d,"speed":{"num":%d,"den":%d},"enabled":%v,"blend":%q,"color":"#%06x"}`,
			pick(x.clips), r.IntN(5)-1, 1+r.IntN(3), r.IntN(4) != 0, timeline.BlendModes[r.IntN(len(timeline.BlendModes))], r.IntN(1<<24))
	case 19, 20:
		in := interps[r.IntN(len(interps))]
		return fmt.Sprintf(`{"op":"set-keyframe","clip":%d,"param":%q,"t":%d,"v":%s,"interp":%q,"out_dt":%d,"out_dv":%s,"in_dt":%d,"in_dv":%s}`,
			pick(x.clips), params[r.IntN(len(params))], r.IntN(60), v(), in, r.IntN(9), v(), -r.IntN(9), v())
	case 21:
		return fmt.Sprintf(`{"op":"remove-keyframe","clip":%d,"param":%q,"t":%d}`, pick(x.clips), params[r.IntN(2)], r.IntN(60))
	case 22:
		return fmt.Sprintf(`{"op":"move-keyframe","clip":%d,"param":%q,"from":%d,"to":%d}`, pick(x.clips), params[r.IntN(3)], r.IntN(60), r.IntN(60))
	case 23:
		return fmt.Sprintf(`{"op":"set-param","clip":%d,"param":%q,"value":%s,"clear_keys":%v}`, pick(x.clips), params[r.IntN(len(params))], v(), r.IntN(3) == 0)
	case 24:
		return fmt.Sprintf(`{"op":"add-transition","a":%d,"kind":%q,"dur":%d,"align":%q,"softness":%s}`, pick(x.clips),
			[]string{"dissolve", "dip", "wipe"}[r.IntN(3)], 1+r.IntN(20), []string{"center", "start", "end"}[r.IntN(3)], v())
	case 25:
		if r.IntN(2) == 0 {
			return fmt.Sprintf(`{"op":"remove-transition","transition":%d}`, pick(x.trans))
		}
		return fmt.Sprintf(`{"op":"set-transition","transition":%d,"dur":%d,"kind":"wipe","direction":"left"}`, pick(x.trans), 1+r.IntN(30))
	case 26:
		return fmt.Sprintf(`{"op":"add-marker","at":%d,"name":"m%d","dur":%d}`, f(), r.IntN(9), r.IntN(3))
	case 27:
		switch r.IntN(3) {
		case 0:
			return fmt.Sprintf(`{"op":"move-marker","marker":%d,"at":%d}`, pick(x.markers), f())
		case 1:
			return fmt.Sprintf(`{"op":"set-marker","marker":%d,"note":"n%d","color":"blue"}`, pick(x.markers), r.IntN(9))
		}
		return fmt.Sprintf(`{"op":"remove-marker","marker":%d}`, pick(x.markers))
	case 28:
		return fmt.Sprintf(`{"op":"add-sequence","name":"S%d"}`, r.IntN(9))
	case 29:
		return fmt.Sprintf(`{"op":"remove-sequence","seq":%d}`, pick(x.seqs))
	case 30:
		return fmt.Sprintf(`{"op":"extract","start":%d,"dur":%d}`, f(), d())
	case 31:
		return fmt.Sprintf(`{"op":"lift-range","start":%d,"dur":%d}`, f(), d())
	case 32:
		return fmt.Sprintf(`{"op":"add-keyframe","clip":%d,"param":"volume","t":%d,"v":%s}`, pick(x.clips), r.IntN(60), v())
	case 33:
		return fmt.Sprintf(`{"op":"set-clip","clip":%d,"name":"renamed %d"}`, pick(x.clips), r.IntN(99))
	default:
		return fmt.Sprintf(`{"op":"append","track":%d,"clip":{"media":%d,"in":%d,"dur":%d,"source_dur":400}}`, pick(x.tracks), 1+r.IntN(5), r.IntN(50), 1+r.IntN(80))
	}
}

// historyJSON is the canonical form of a history, for comparing.
func historyJSON(t testing.TB, h edit.History) string {
	t.Helper()
	b, err := json.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fileState is the hash of every file in a folder, to prove nothing was written or created.
func fileState(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.IsDir() {
			out[e.Name()] = "dir"
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		io.Copy(h, f)
		f.Close()
		out[e.Name()] = hex.EncodeToString(h.Sum(nil))
	}
	return out
}

func sameFiles(a, b map[string]string) string {
	var diff []string
	for k, v := range a {
		if b[k] != v {
			diff = append(diff, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			diff = append(diff, k+" (new)")
		}
	}
	sort.Strings(diff)
	if len(diff) == 0 {
		return ""
	}
	return fmt.Sprint(diff)
}
