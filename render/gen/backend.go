package gen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Backend is one generation backend: the local procedural one, a Slate render server, a
// ComfyUI server or a cloud API. All share one lifecycle: estimate → submit → queued →
// running(p) → succeeded | failed | cancelled → fetch.
type Backend interface {
	Info() Info
	Capabilities(ctx context.Context) (Capabilities, error)
	Estimate(ctx context.Context, r Request) (Estimate, error)
	// Submit starts the request. r.Key is the job's idempotency key: a backend asked twice
	// with one key must not run the request twice.
	Submit(ctx context.Context, r Request) (Handle, error)
	// Events streams the job's states until a final one, then closes. A Handle holding only
	// the Key asks the backend to find the job by key (reconciliation after a restart); a
	// backend that cannot find it returns ErrUnknownJob.
	Events(ctx context.Context, h Handle) (<-chan Event, error)
	Cancel(ctx context.Context, h Handle) error
	// Fetch returns the finished job's outputs as local files the caller copies; they stay
	// valid until the next call on the backend with this handle.
	Fetch(ctx context.Context, h Handle) ([]Output, error)
}

// ErrUnknownJob means the backend has no job for the handle or key.
var ErrUnknownJob = errors.New("the backend has no such job")

// Kind says where a backend runs.
type Kind string

// Kinds.
const (
	Local  Kind = "local"
	Remote Kind = "remote"
	Cloud  Kind = "cloud"
)

// Info names a backend.
type Info struct {
	Name string `json:"name"` // unique in a queue, e.g. "local", "runway"
	Kind Kind   `json:"kind"`
	// Description says honestly what it makes ("procedural animatics and finishing
	// operations, not AI footage").
	Description string `json:"description"`
}

// Capabilities is what a backend can do now, as data: validation is driven by it.
type Capabilities struct {
	Ops []OpSpec `json:"ops"`
	// Concurrency is how many jobs the backend runs at once; the queue never sends more.
	Concurrency int `json:"concurrency"`
	// FindsByKey is true when Events, Fetch and Cancel can find a job by its idempotency key
	// alone and ErrUnknownJob then means the request never arrived, so a job interrupted
	// while submitting can be resolved safely.
	FindsByKey bool `json:"finds_by_key"`
	// Missing lists what the backend would need for the operations it lacks.
	Missing []string `json:"missing,omitempty"`
}

// Op returns the spec of an operation.
func (c Capabilities) Op(op Op) (OpSpec, bool) {
	for _, s := range c.Ops {
		if s.Op == op {
			return s, true
		}
	}
	return OpSpec{}, false
}

// OpSpec describes one operation on one backend.
type OpSpec struct {
	Op     Op       `json:"op"`
	Models []string `json:"models,omitempty"` // empty: the backend has one implicit model
	// TierModels names the model used for each tier, when the tiers differ by model.
	TierModels map[Tier]string `json:"tier_models,omitempty"`
	// Timed operations take a duration within MinSeconds..MaxSeconds, unless
	// DurationOptional (then 0 means "as long as the input").
	Timed            bool    `json:"timed,omitempty"`
	DurationOptional bool    `json:"duration_optional,omitempty"`
	MinSeconds       float64 `json:"min_seconds,omitempty"`
	MaxSeconds       float64 `json:"max_seconds,omitempty"`
	// Sized operations take a width and height up to MaxWidth×MaxHeight.
	Sized       bool `json:"sized,omitempty"`
	MaxWidth    int  `json:"max_width,omitempty"`
	MaxHeight   int  `json:"max_height,omitempty"`
	NeedsPrompt bool `json:"needs_prompt,omitempty"`
	MaxPrompt   int  `json:"max_prompt,omitempty"`
	Camera      bool `json:"camera,omitempty"` // takes a camera move
	// Inputs are required: each group needs one of its roles. Optional lists other roles.
	Inputs        [][]string  `json:"inputs,omitempty"`
	Optional      []string    `json:"optional,omitempty"`
	MaxReferences int         `json:"max_references"`
	Params        []ParamSpec `json:"params,omitempty"`
}

// ParamSpec is one operation parameter: a fixed list of values or a number range.
type ParamSpec struct {
	Name     string   `json:"name"`
	Values   []string `json:"values,omitempty"`
	Min      float64  `json:"min,omitempty"`
	Max      float64  `json:"max,omitempty"`
	Default  string   `json:"default,omitempty"`
	Describe string   `json:"describe,omitempty"`
}

// Micros is an amount of money in millionths of a US dollar: exact sums, no float drift.
type Micros int64

// Dollars makes Micros from a float amount of dollars.
func Dollars(d float64) Micros { return Micros(math.Round(d * 1e6)) }

// String formats as "$1.25" (more digits when needed).
func (m Micros) String() string {
	neg := m < 0
	if neg {
		m = -m
	}
	s := fmt.Sprintf("%d.%06d", m/1e6, m%1e6)
	s = strings.TrimRight(s, "0")
	if i := strings.IndexByte(s, '.'); len(s)-i-1 < 2 {
		s += strings.Repeat("0", 2-(len(s)-i-1))
	}
	if neg {
		return "-$" + s
	}
	return "$" + s
}

// ParseMoney reads "12", "12.50" or "$12.50".
func ParseMoney(s string) (Micros, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "$")
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || f > 1e9 {
		return 0, fmt.Errorf("amount %q: want a non-negative number of dollars such as 25 or 12.50", s)
	}
	return Dollars(f), nil
}

// Estimate is what a job will cost before it runs, or what it did cost after.
type Estimate struct {
	USD        Micros  `json:"usd_micros"`
	Credits    float64 `json:"credits,omitempty"`     // in the backend's own currency
	CPUSeconds float64 `json:"cpu_seconds,omitempty"` // local compute
	GPUSeconds float64 `json:"gpu_seconds,omitempty"`
	// Approximate is true when the figure is a guess (pricing tables can be out of date).
	Approximate bool   `json:"approximate,omitempty"`
	Note        string `json:"note,omitempty"`
}

// Add sums two estimates.
func (e Estimate) Add(o Estimate) Estimate {
	return Estimate{USD: e.USD + o.USD, Credits: e.Credits + o.Credits, CPUSeconds: e.CPUSeconds + o.CPUSeconds,
		GPUSeconds: e.GPUSeconds + o.GPUSeconds, Approximate: e.Approximate || o.Approximate}
}

// String is a one-line summary such as "$0.50 (50 credits), ~12 s GPU".
func (e Estimate) String() string {
	parts := []string{e.USD.String()}
	if e.Credits > 0 {
		parts[0] += fmt.Sprintf(" (%g credits)", e.Credits)
	}
	if e.CPUSeconds > 0 {
		parts = append(parts, fmt.Sprintf("~%.1f s CPU", e.CPUSeconds))
	}
	if e.GPUSeconds > 0 {
		parts = append(parts, fmt.Sprintf("~%.1f s GPU", e.GPUSeconds))
	}
	s := strings.Join(parts, ", ")
	if e.Approximate {
		s += " (approximate)"
	}
	return s
}

// Handle identifies a submitted job on its backend.
type Handle struct {
	Backend string `json:"backend"`
	Key     string `json:"key"`          // our idempotency key
	ID      string `json:"id,omitempty"` // the backend's own id, when it has one
}

// State is a job's lifecycle state as a backend reports it.
type State string

// Backend states.
const (
	Queued    State = "queued"
	Running   State = "running"
	Succeeded State = "succeeded"
	Failed    State = "failed"
	Cancelled State = "cancelled"
)

// Final reports whether no further event follows.
func (s State) Final() bool { return s == Succeeded || s == Failed || s == Cancelled }

// Event is one step of a job.
type Event struct {
	State    State   `json:"state"`
	Progress float64 `json:"progress"` // 0..1 while running
	Message  string  `json:"message,omitempty"`
	// Code classifies a failure: "moderation", "input", "timeout", "internal", or the
	// backend's own code.
	Code string `json:"code,omitempty"`
	// Cost is the actual cost when the backend reports one (on a final event).
	Cost *Estimate `json:"cost,omitempty"`
}

// Output is one produced file.
type Output struct {
	Path string `json:"path"` // a local file, owned by the backend until copied
	Kind string `json:"kind"` // "video", "image", "audio"
	// Alpha is true when the file carries transparency.
	Alpha bool `json:"alpha,omitempty"`
}
