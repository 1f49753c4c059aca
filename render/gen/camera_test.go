package gen_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/slate-nle/slate/render/gen"
	"github.com/slate-nle/slate/timeline/rt"
)

func TestParseCamera(t *testing.T) {
	tests := []struct {
		phrase string
		want   []gen.Move
		easing gen.Easing
	}{
		{"dolly in slow", []gen.Move{{Kind: gen.Dolly, Direction: gen.In, Intensity: 0.3}}, gen.EaseInOut},
		{"slow pan left", []gen.Move{{Kind: gen.Pan, Direction: gen.Left, Intensity: 0.3}}, gen.EaseInOut},
		{"push in fast, ease out", []gen.Move{{Kind: gen.Dolly, Direction: gen.In, Intensity: 0.8}}, gen.EaseOut},
		{"pull back", []gen.Move{{Kind: gen.Dolly, Direction: gen.Out, Intensity: 0.5}}, gen.EaseInOut},
		{"static", nil, gen.EaseInOut},
		{"", nil, gen.EaseInOut},
		{"fast orbit right with handheld, linear", []gen.Move{{Kind: gen.Orbit, Direction: gen.Right, Intensity: 0.8}, {Kind: gen.Handheld, Intensity: 0.5}}, gen.Linear},
		{"tilt up 40% and truck left", []gen.Move{{Kind: gen.Tilt, Direction: gen.Up, Intensity: 0.4}, {Kind: gen.Truck, Direction: gen.Left, Intensity: 0.5}}, gen.EaseInOut},
		{"crane down very slow ease in", []gen.Move{{Kind: gen.Crane, Direction: gen.Down, Intensity: 0.15}}, gen.EaseIn},
		{"zoom", []gen.Move{{Kind: gen.Zoom, Direction: gen.In, Intensity: 0.5}}, gen.EaseInOut},
		{"roll ccw + pedestal up", []gen.Move{{Kind: gen.Roll, Direction: gen.Left, Intensity: 0.5}, {Kind: gen.Pedestal, Direction: gen.Up, Intensity: 0.5}}, gen.EaseInOut},
	}
	for _, tc := range tests {
		t.Run("reads "+tc.phrase, func(t *testing.T) {
			c, err := gen.ParseCamera(tc.phrase)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Moves) != len(tc.want) || c.Easing != tc.easing {
				t.Fatalf("got %+v, want %+v %s", c, tc.want, tc.easing)
			}
			for i := range tc.want {
				if c.Moves[i] != tc.want[i] {
					t.Errorf("move %d: %+v, want %+v", i, c.Moves[i], tc.want[i])
				}
			}
			back, err := gen.ParseCamera(c.String())
			if err != nil || len(back.Moves) != len(c.Moves) || back.Easing != c.Easing {
				t.Fatalf("String %q does not read back: %+v %v", c.String(), back, err)
			}
			for i := range c.Moves {
				if back.Moves[i] != c.Moves[i] {
					t.Errorf("String %q read back move %d as %+v", c.String(), i, back.Moves[i])
				}
			}
		})
	}
	bad := []struct{ phrase, want string }{
		{"dolly sideways", `unknown word "sideways"`},
		{"pan in", "pan cannot go"},
		{"handheld left", "takes no direction"},
		{"left", "without a move"},
		{"pan left and pan right", "appears twice"},
		{"pan left right", "two directions"},
	}
	for _, tc := range bad {
		t.Run("refuses "+tc.phrase, func(t *testing.T) {
			_, err := gen.ParseCamera(tc.phrase)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestCameraJSONAcceptsAPhraseOrTheStructuredForm(t *testing.T) {
	var a, b gen.Camera
	if err := json.Unmarshal([]byte(`"slow pan left"`), &a); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(a)
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Moves) != 1 || b.Moves[0] != a.Moves[0] {
		t.Errorf("round trip %s gave %+v", raw, b)
	}
}

func TestEasings(t *testing.T) {
	for _, e := range []gen.Easing{gen.Linear, gen.EaseIn, gen.EaseOut, gen.EaseInOut} {
		t.Run(string(e)+" starts at 0, ends at 1 and never goes back", func(t *testing.T) {
			prev := -1.0
			for i := 0; i <= 100; i++ {
				v := e.Apply(float64(i) / 100)
				if v < prev-1e-12 {
					t.Fatalf("goes back at %d", i)
				}
				prev = v
			}
			if e.Apply(0) != 0 || math.Abs(e.Apply(1)-1) > 1e-12 {
				t.Errorf("ends %g %g", e.Apply(0), e.Apply(1))
			}
		})
	}
	if gen.EaseIn.Apply(0.25) >= 0.25 || gen.EaseOut.Apply(0.25) <= 0.25 {
		t.Error("ease-in must start slow and ease-out fast")
	}
}

func TestPoses(t *testing.T) {
	mid := func(phrase string, u float64) (float64, float64) {
		c, err := gen.ParseCamera(phrase)
		if err != nil {
			t.Fatal(err)
		}
		p := c.PoseAt(u, u*5, 1)
		m := p.Matrix(160, 90, 320, 180, c.Overscan(160, 90, 320, 180, 5, 1))
		return gen.Apply(m, 80, 45)
	}
	t.Run("a dolly in narrows the view around the centre", func(t *testing.T) {
		c, _ := gen.ParseCamera("dolly in")
		o := c.Overscan(160, 90, 320, 180, 5, 1)
		w := func(u float64) float64 {
			m := c.PoseAt(u, 0, 1).Matrix(160, 90, 320, 180, o)
			x0, _ := gen.Apply(m, 0, 45)
			x1, _ := gen.Apply(m, 160, 45)
			return x1 - x0
		}
		if !(w(1) < w(0.5) && w(0.5) < w(0)) {
			t.Errorf("view widths %g %g %g should shrink", w(0), w(0.5), w(1))
		}
	})
	t.Run("a truck right moves the view right", func(t *testing.T) {
		x0, _ := mid("truck right", 0)
		x1, _ := mid("truck right", 1)
		if x1 <= x0+5 {
			t.Errorf("centre moved from %g to %g", x0, x1)
		}
	})
	t.Run("a tilt up looks higher", func(t *testing.T) {
		_, y0 := mid("tilt up", 0)
		_, y1 := mid("tilt up", 1)
		if y1 >= y0-3 {
			t.Errorf("centre y from %g to %g", y0, y1)
		}
	})
	t.Run("every move stays inside the picture", func(t *testing.T) {
		for _, m := range gen.Moves() {
			c, err := gen.ParseCamera(string(m) + " fast")
			if err != nil {
				t.Fatal(err)
			}
			o := c.Overscan(192, 108, 400, 300, 4, 9)
			for i := 0; i <= 20; i++ {
				u := float64(i) / 20
				mat := c.PoseAt(u, u*4, 9).Matrix(192, 108, 400, 300, o)
				for _, pt := range [][2]float64{{0, 0}, {192, 0}, {0, 108}, {192, 108}} {
					x, y := gen.Apply(mat, pt[0], pt[1])
					if x < -0.01 || y < -0.01 || x > 400.01 || y > 300.01 {
						t.Fatalf("%s at %g maps a corner to %g,%g", m, u, x, y)
					}
				}
			}
		}
	})
	t.Run("handheld shake is the same for a seed and differs across seeds", func(t *testing.T) {
		c, _ := gen.ParseCamera("handheld")
		if c.PoseAt(0.3, 1.5, 4) != c.PoseAt(0.3, 1.5, 4) || c.PoseAt(0.3, 1.5, 4) == c.PoseAt(0.3, 1.5, 5) {
			t.Error("shake is not a function of the seed")
		}
	})
}

func TestAxesCompileTheVocabularyForSixAxisBackends(t *testing.T) {
	c, _ := gen.ParseCamera("pan left fast and zoom in slow")
	a := c.Axes()
	if a.Pan != -8 || a.Zoom != 3 || a.Approximate {
		t.Errorf("axes %+v", a)
	}
	o, _ := gen.ParseCamera("orbit right")
	if !o.Axes().Approximate || o.Axes().Horizontal <= 0 {
		t.Errorf("orbit axes %+v", o.Axes())
	}
}

func TestRequestIdentity(t *testing.T) {
	base := gen.Request{Op: gen.ImageToVideo, Backend: "b", Tier: gen.Draft, Frames: 24, FPS: rt.Rate24, Width: 64, Height: 36, Seed: 3,
		Inputs: []gen.Input{{Role: gen.RoleImage, Path: "/a/x.png", Hash: "abc"}}, Params: map[string]string{"look": "noir"}}
	key := func(r gen.Request) string {
		k, err := r.CacheKey()
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	moved := base
	moved.Inputs = []gen.Input{{Role: gen.RoleImage, Path: "/elsewhere/y.png", Hash: "abc"}}
	moved.Key = "another job"
	if key(base) != key(moved) {
		t.Error("the cache key depends on a path or the job key")
	}
	for name, change := range map[string]func(*gen.Request){
		"seed":        func(r *gen.Request) { r.Seed = 4 },
		"model":       func(r *gen.Request) { r.Model = "m2" },
		"input bytes": func(r *gen.Request) { r.Inputs = []gen.Input{{Role: gen.RoleImage, Hash: "abd"}} },
		"parameter":   func(r *gen.Request) { r.Params = map[string]string{"look": "sepia"} },
		"camera":      func(r *gen.Request) { r.Camera = gen.Camera{Moves: []gen.Move{{Kind: gen.Pan, Intensity: 0.5}}} },
		"backend":     func(r *gen.Request) { r.Backend = "c" },
	} {
		t.Run("the cache key changes with the "+name, func(t *testing.T) {
			r := base
			r.Params = map[string]string{"look": "noir"}
			change(&r)
			if key(r) == key(base) {
				t.Error("same key")
			}
		})
	}
}

func TestResolution(t *testing.T) {
	tests := []struct {
		aspect, res string
		w, h        int
	}{
		{"16:9", "1080p", 1920, 1080}, {"9:16", "720p", 720, 1280}, {"1:1", "540p", 540, 540},
		{"2.39:1", "1080p", 2582, 1080}, {"16:9", "8k", 7680, 4320},
	}
	for _, tc := range tests {
		w, h, err := gen.Resolution(tc.aspect, tc.res)
		if err != nil || w != tc.w || h != tc.h {
			t.Errorf("%s %s: %dx%d %v, want %dx%d", tc.aspect, tc.res, w, h, err, tc.w, tc.h)
		}
	}
	if _, _, err := gen.Resolution("wide", "720p"); err == nil {
		t.Error("accepted aspect \"wide\"")
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[string]string{"12": "$12.00", "$0.5": "$0.50", "1.234567": "$1.234567"} {
		m, err := gen.ParseMoney(in)
		if err != nil || m.String() != want {
			t.Errorf("%s → %v %v, want %s", in, m, err, want)
		}
	}
	if _, err := gen.ParseMoney("-3"); err == nil {
		t.Error("accepted a negative budget")
	}
}
