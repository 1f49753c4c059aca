package gen

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/slate-nle/slate/timeline/rt"
)

// Op is an operation a backend may support.
type Op string

// Operations.
const (
	TextToVideo  Op = "t2v"         // prompt → video
	ImageToVideo Op = "i2v"         // still + camera move → video
	Keyframes    Op = "keyframes"   // first and last frame → video between them
	Restyle      Op = "restyle"     // video or still → same in another look
	BGRemove     Op = "bgremove"    // video or still → same with alpha
	Inpaint      Op = "inpaint"     // video or still + mask → masked region filled
	Extend       Op = "extend"      // video → longer video
	Upscale      Op = "upscale"     // video or still → larger
	Performance  Op = "performance" // character image + driving video → animated character
	TextToImage  Op = "t2i"         // prompt → still
	Speech       Op = "speech"      // text → dialogue audio
)

// Ops lists every operation in a stable order.
func Ops() []Op {
	return []Op{TextToVideo, ImageToVideo, Keyframes, Restyle, BGRemove, Inpaint, Extend, Upscale, Performance, TextToImage, Speech}
}

// ParseOp reads an operation name.
func ParseOp(s string) (Op, error) {
	for _, o := range Ops() {
		if string(o) == s {
			return o, nil
		}
	}
	var names []string
	for _, o := range Ops() {
		names = append(names, string(o))
	}
	return "", fmt.Errorf("unknown operation %q (operations: %s)", s, strings.Join(names, ", "))
}

// Tier is the quality ladder: cut with draft takes, promote the keepers to final.
type Tier string

// Tiers.
const (
	Draft Tier = "draft"
	Final Tier = "final"
)

// Input roles.
const (
	RoleImage     = "image"     // the still to animate, restyle, key, inpaint or upscale
	RoleEndImage  = "end_image" // the last frame of a keyframes shot
	RoleVideo     = "video"     // the clip to restyle, key, inpaint, extend or upscale
	RoleMask      = "mask"      // white where inpainting fills
	RolePlate     = "plate"     // clean background plate for a difference matte
	RoleLUT       = "lut"       // a .cube 3D LUT for restyle
	RoleDriving   = "driving"   // performance video driving a character
	RoleReference = "reference" // character/style/location reference from the continuity bible
)

// Input is a media file the request reads. Hash is the SHA-256 of its bytes, filled by
// Prepare; the cache key depends on it, not on the path.
type Input struct {
	Role string `json:"role"`
	Path string `json:"path"`
	Hash string `json:"sha256,omitempty"`
	Tag  string `json:"tag,omitempty"` // a reference's name, cited as @tag in the prompt
}

// Request is one generation, complete: everything a backend needs and everything that makes
// its result what it is. A take stores it whole, so it can be re-run exactly.
type Request struct {
	Op             Op                `json:"op"`
	Backend        string            `json:"backend"`
	Model          string            `json:"model,omitempty"`
	Tier           Tier              `json:"tier"`
	Prompt         string            `json:"prompt,omitempty"`
	NegativePrompt string            `json:"negative_prompt,omitempty"`
	Frames         int64             `json:"frames,omitempty"` // duration in frames at FPS
	FPS            rt.Rate           `json:"fps"`
	Width          int               `json:"width,omitempty"`
	Height         int               `json:"height,omitempty"`
	Seed           int64             `json:"seed"`
	Camera         Camera            `json:"camera"`
	Inputs         []Input           `json:"inputs,omitempty"`
	Params         map[string]string `json:"params,omitempty"` // op options: look, factor, mode, key, voice…
	// Key is the job's idempotency key: a backend that is asked twice with one key runs it
	// once. Not part of the request's identity (the cache key ignores it).
	Key string `json:"key,omitempty"`
}

// Seconds is the duration for display and for backends that count in seconds.
func (r Request) Seconds() float64 {
	if r.FPS.Num <= 0 || r.FPS.Den <= 0 {
		return 0
	}
	return r.FPS.Seconds(rt.Time(r.Frames))
}

// Input returns the first input with the role, if any.
func (r Request) Input(role string) (Input, bool) {
	for _, in := range r.Inputs {
		if in.Role == role {
			return in, true
		}
	}
	return Input{}, false
}

// Param returns a parameter or its default.
func (r Request) Param(name, def string) string {
	if v, ok := r.Params[name]; ok && v != "" {
		return v
	}
	return def
}

// Aspect is the request's width:height reduced, e.g. "16:9".
func (r Request) Aspect() string {
	if r.Width <= 0 || r.Height <= 0 {
		return ""
	}
	g := gcd(r.Width, r.Height)
	return fmt.Sprintf("%d:%d", r.Width/g, r.Height/g)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Canonical returns the request's identity as JSON: input paths and the job key dropped,
// inputs sorted, camera normalized, maps with sorted keys (encoding/json sorts them). Two
// requests with the same canonical form and input hashes make the same thing.
func (r Request) Canonical() ([]byte, error) {
	c := r
	c.Key = ""
	cam, err := r.Camera.Normalized()
	if err != nil {
		return nil, err
	}
	c.Camera = cam
	c.FPS = r.FPS
	if c.FPS.Num > 0 && c.FPS.Den > 0 {
		c.FPS = c.FPS.Reduced()
	}
	c.Inputs = make([]Input, len(r.Inputs))
	for i, in := range r.Inputs {
		if in.Hash == "" {
			return nil, fmt.Errorf("input %s (%s) has no hash: prepare the request first", in.Role, in.Path)
		}
		c.Inputs[i] = Input{Role: in.Role, Hash: in.Hash, Tag: in.Tag}
	}
	sort.SliceStable(c.Inputs, func(i, j int) bool {
		if c.Inputs[i].Role != c.Inputs[j].Role {
			return c.Inputs[i].Role < c.Inputs[j].Role
		}
		return c.Inputs[i].Tag < c.Inputs[j].Tag
	})
	if len(c.Params) == 0 {
		c.Params = nil
	}
	return json.Marshal(c)
}

// CacheKey is the content address of the request: SHA-256 over the canonical request, which
// holds the backend, model, seed and every input's hash.
func (r Request) CacheKey() (string, error) {
	b, err := r.Canonical()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte("slate-gen-cache-v1\n"))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// HashFile returns the SHA-256 of a file's bytes.
func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("input %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("input %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Validate checks the request against what the backend says it can do: the operation and
// model exist, the duration and size are in range, the required inputs are there and
// readable, the parameters are known and their values allowed. The error names the field.
func (r Request) Validate(caps Capabilities) error {
	spec, ok := caps.Op(r.Op)
	if !ok {
		var have []string
		for _, o := range caps.Ops {
			have = append(have, string(o.Op))
		}
		return fmt.Errorf("backend %s cannot do %s (it does: %s)", r.Backend, r.Op, strings.Join(have, ", "))
	}
	if r.Tier != Draft && r.Tier != Final {
		return fmt.Errorf("tier %q: must be draft or final", r.Tier)
	}
	if r.Model != "" && len(spec.Models) > 0 && !contains(spec.Models, r.Model) {
		return fmt.Errorf("model %q: backend %s offers %s for %s", r.Model, r.Backend, strings.Join(spec.Models, ", "), r.Op)
	}
	if spec.Timed {
		if err := r.FPS.Validate(); err != nil {
			return fmt.Errorf("fps: %v", err)
		}
		sec := r.Seconds()
		if r.Frames <= 0 && !spec.DurationOptional {
			return fmt.Errorf("duration: must be positive")
		}
		if r.Frames > 0 && (sec < spec.MinSeconds-1e-9 || (spec.MaxSeconds > 0 && sec > spec.MaxSeconds+1e-9)) {
			return fmt.Errorf("duration %gs is outside %s's range for %s (%g to %g s)", round3(sec), r.Backend, r.Op, spec.MinSeconds, spec.MaxSeconds)
		}
	}
	if spec.Sized {
		if r.Width <= 0 || r.Height <= 0 {
			return fmt.Errorf("size %dx%d: width and height must be positive", r.Width, r.Height)
		}
		if r.Width%2 != 0 || r.Height%2 != 0 {
			return fmt.Errorf("size %dx%d: width and height must be even", r.Width, r.Height)
		}
		if spec.MaxWidth > 0 && (r.Width > spec.MaxWidth || r.Height > spec.MaxHeight) {
			return fmt.Errorf("size %dx%d is larger than %s allows for %s (%dx%d)", r.Width, r.Height, r.Backend, r.Op, spec.MaxWidth, spec.MaxHeight)
		}
	}
	if spec.NeedsPrompt && strings.TrimSpace(r.Prompt) == "" {
		return fmt.Errorf("prompt: %s needs a prompt", r.Op)
	}
	if spec.MaxPrompt > 0 && len([]rune(r.Prompt)) > spec.MaxPrompt {
		return fmt.Errorf("prompt: %d characters, %s takes at most %d", len([]rune(r.Prompt)), r.Backend, spec.MaxPrompt)
	}
	if _, err := r.Camera.Normalized(); err != nil {
		return err
	}
	if !spec.Camera && !r.Camera.IsStatic() {
		return fmt.Errorf("camera %q: %s on %s takes no camera move", r.Camera, r.Op, r.Backend)
	}
	for _, group := range spec.Inputs {
		if !r.hasAny(group) {
			return fmt.Errorf("input: %s needs --%s", r.Op, strings.ReplaceAll(strings.Join(group, " or --"), "_", "-"))
		}
	}
	allowed := map[string]bool{}
	for _, g := range spec.Inputs {
		for _, role := range g {
			allowed[role] = true
		}
	}
	for _, role := range spec.Optional {
		allowed[role] = true
	}
	refs := 0
	for _, in := range r.Inputs {
		if !allowed[in.Role] {
			return fmt.Errorf("input %s (%s): %s takes no such input", in.Role, in.Path, r.Op)
		}
		if in.Role == RoleReference {
			refs++
		}
		if in.Path != "" {
			st, err := os.Stat(in.Path)
			if err != nil {
				return fmt.Errorf("input %s: %v", in.Role, err)
			}
			if st.IsDir() {
				return fmt.Errorf("input %s: %s is a directory", in.Role, in.Path)
			}
		} else if in.Hash == "" {
			return fmt.Errorf("input %s: no path", in.Role)
		}
	}
	if spec.MaxReferences >= 0 && refs > spec.MaxReferences {
		return fmt.Errorf("references: %d given, %s takes at most %d", refs, r.Backend, spec.MaxReferences)
	}
	params := map[string]ParamSpec{}
	for _, p := range spec.Params {
		params[p.Name] = p
	}
	names := make([]string, 0, len(r.Params))
	for k := range r.Params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := r.Params[k]
		p, ok := params[k]
		if !ok {
			return fmt.Errorf("parameter %q: %s on %s has no such parameter", k, r.Op, r.Backend)
		}
		if len(p.Values) > 0 && !contains(p.Values, v) {
			return fmt.Errorf("parameter %s=%q: must be one of %s", k, v, strings.Join(p.Values, ", "))
		}
		if p.Min != 0 || p.Max != 0 {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < p.Min || f > p.Max {
				return fmt.Errorf("parameter %s=%q: must be a number from %g to %g", k, v, p.Min, p.Max)
			}
		}
	}
	return nil
}

func (r Request) hasAny(roles []string) bool {
	for _, role := range roles {
		if _, ok := r.Input(role); ok {
			return true
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// Resolution returns the frame size for an aspect ratio ("16:9", "9:16", "1:1", "2.39:1")
// and a resolution name ("480p", "540p", "720p", "1080p", "1440p", "2160p"/"4k", "4320p"/"8k")
// that names the shorter side; both sides are rounded to even numbers.
func Resolution(aspect, res string) (int, int, error) {
	a, b, ok := strings.Cut(aspect, ":")
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if !ok || err1 != nil || err2 != nil || x <= 0 || y <= 0 || x/y > 10 || y/x > 10 {
		return 0, 0, fmt.Errorf("aspect %q: want W:H such as 16:9, 9:16, 1:1 or 2.39:1", aspect)
	}
	short := map[string]int{"360p": 360, "480p": 480, "540p": 540, "720p": 720, "1080p": 1080, "1440p": 1440,
		"2160p": 2160, "4k": 2160, "4320p": 4320, "8k": 4320}[strings.ToLower(res)]
	if short == 0 {
		if n, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(res), "p")); err == nil && n >= 16 && n <= 4320 {
			short = n
		} else {
			return 0, 0, fmt.Errorf("resolution %q: want 480p, 720p, 1080p, 4k, 8k or a number of lines", res)
		}
	}
	even := func(f float64) int { return int(math.Round(f/2)) * 2 }
	if x >= y {
		return even(float64(short) * x / y), even(float64(short)), nil
	}
	return even(float64(short)), even(float64(short) * y / x), nil
}
