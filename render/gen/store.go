package gen

import (
	"context"
	"errors"
	"time"

	"github.com/slate-nle/slate/timeline/rt"
)

// Reference is an entry of the project's continuity bible: a character, style or location
// image that shots cite so takes stay consistent.
type Reference struct {
	Kind string `json:"kind"` // character, style, location, prop
	Name string `json:"name"` // unique within its kind, cited as @name
	Path string `json:"path"`
	Hash string `json:"sha256,omitempty"`
}

// ReferenceKinds lists the kinds of bible entries.
var ReferenceKinds = []string{"character", "style", "location", "prop"}

// Shot is the plan for a piece of footage; takes are its generations.
type Shot struct {
	ID             int64   `json:"id"`
	Name           string  `json:"name"`
	Prompt         string  `json:"prompt"`
	NegativePrompt string  `json:"negative_prompt,omitempty"`
	Frames         int64   `json:"frames"`
	FPS            rt.Rate `json:"fps"`
	Width          int     `json:"width"`
	Height         int     `json:"height"`
	Seed           int64   `json:"seed"` // -1: pick one per take
	Tier           Tier    `json:"tier"`
	Camera         Camera  `json:"camera"`
	// References name bible entries as "kind:name".
	References []string `json:"references,omitempty"`
	FirstFrame string   `json:"first_frame,omitempty"`
	LastFrame  string   `json:"last_frame,omitempty"`
	Variations int      `json:"variations"`
	Created    time.Time
}

// TakeOutput is one file of a take, inside the project's media folder.
type TakeOutput struct {
	Path    string `json:"path"` // relative to the media folder
	Kind    string `json:"kind"`
	Alpha   bool   `json:"alpha,omitempty"`
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
	Sidecar string `json:"sidecar"` // provenance manifest, relative to the media folder
}

// Lineage kinds: how a take came from another.
const (
	RerunOf    = "rerun-of"
	RerollOf   = "reroll-of"
	PromoteOf  = "promote-of"
	ExtendOf   = "extend-of"
	RestyleOf  = "restyle-of"
	UpscaleOf  = "upscale-of"
	BGRemoveOf = "bgremove-of"
	InpaintOf  = "inpaint-of"
)

// Lineage links a take to the take it was made from.
type Lineage struct {
	Kind string `json:"kind,omitempty"`
	Take int64  `json:"take,omitempty"`
}

// Take is one generation of a shot, reproducible from its stored request.
type Take struct {
	ID        int64        `json:"id"`
	ShotID    int64        `json:"shot"`
	JobID     int64        `json:"job"`
	Request   Request      `json:"request"`
	CacheKey  string       `json:"cache_key"`
	Outputs   []TakeOutput `json:"outputs"`
	Cost      Estimate     `json:"cost"`
	FromCache bool         `json:"from_cache,omitempty"`
	Created   time.Time    `json:"created"`
	Started   time.Time    `json:"started"`
	Finished  time.Time    `json:"finished"`
	Rating    int          `json:"rating"` // 0 (unrated) to 5
	Circled   bool         `json:"circled"`
	Lineage   Lineage      `json:"lineage"`
}

// JobState is a job's state in the project. The row is written in JobQueued before anything
// is sent; JobSubmitting is written right before Backend.Submit and JobSubmitted right after,
// so a crash between the two is visible and is reconciled by key, never resubmitted blindly.
type JobState string

// Job states.
const (
	JobQueued     JobState = "queued"     // waiting for a slot; nothing sent
	JobSubmitting JobState = "submitting" // Submit may or may not have reached the backend
	JobSubmitted  JobState = "submitted"  // the backend has it
	JobRunning    JobState = "running"
	JobFetching   JobState = "fetching" // succeeded on the backend; outputs being copied
	JobSucceeded  JobState = "succeeded"
	JobFailed     JobState = "failed"
	JobCancelled  JobState = "cancelled"
	// JobLost: the backend no longer knows the job, or it was interrupted while submitting
	// to a backend that cannot be asked by key. Never resubmitted automatically.
	JobLost JobState = "lost"
)

// Final reports whether the job is over.
func (s JobState) Final() bool {
	return s == JobSucceeded || s == JobFailed || s == JobCancelled || s == JobLost
}

// Job is one request through the queue.
type Job struct {
	ID       int64    `json:"id"`
	Key      string   `json:"key"` // idempotency key, unique
	ShotID   int64    `json:"shot,omitempty"`
	State    JobState `json:"state"`
	Request  Request  `json:"request"`
	CacheKey string   `json:"cache_key"`
	Estimate Estimate `json:"estimate"`
	Handle   Handle   `json:"handle"`
	Progress float64  `json:"progress"`
	Message  string   `json:"message,omitempty"`
	// Owner is "pid@host" of the process driving the job.
	Owner           string    `json:"owner,omitempty"`
	CancelRequested bool      `json:"cancel_requested,omitempty"`
	Lineage         Lineage   `json:"lineage"`
	TakeID          int64     `json:"take,omitempty"`
	Created         time.Time `json:"created"`
	Updated         time.Time `json:"updated"`
}

// LedgerEntry is money or compute spent.
type LedgerEntry struct {
	ID      int64     `json:"id"`
	Time    time.Time `json:"time"`
	Backend string    `json:"backend"`
	ShotID  int64     `json:"shot,omitempty"`
	JobID   int64     `json:"job"`
	TakeID  int64     `json:"take,omitempty"`
	Cost    Estimate  `json:"cost"`
	Note    string    `json:"note,omitempty"`
}

// CacheEntry maps a request's content address to the outputs it made.
type CacheEntry struct {
	Key     string       `json:"key"`
	TakeID  int64        `json:"take"`
	Outputs []TakeOutput `json:"outputs"`
	Created time.Time    `json:"created"`
}

// Budget is the project's spending cap.
type Budget struct {
	Capped   bool   `json:"capped"`
	Cap      Micros `json:"cap"`
	Spent    Micros `json:"spent"`    // sum of the ledger
	Reserved Micros `json:"reserved"` // estimates of unfinished jobs
}

// Left is what may still be reserved (meaningless when not capped).
func (b Budget) Left() Micros { return b.Cap - b.Spent - b.Reserved }

// ErrOverBudget is returned by ReserveJob when the job would pass the cap.
var ErrOverBudget = errors.New("over budget")

// ErrNotFound is returned for a missing shot, take or job.
var ErrNotFound = errors.New("not found")

// Store persists generation state; the project file implements it. Every method is one
// transaction; ReserveJob and FinishJob are the atomic points of the budget.
type Store interface {
	CreateShot(ctx context.Context, s *Shot) error // assigns ID
	UpdateShot(ctx context.Context, s Shot) error
	Shot(ctx context.Context, id int64) (Shot, error)
	Shots(ctx context.Context) ([]Shot, error)

	PutReference(ctx context.Context, r Reference) error // insert or replace by kind+name
	References(ctx context.Context) ([]Reference, error)

	// ReserveJob inserts j (assigning ID) only if the capped budget's spent + reserved +
	// j.Estimate.USD stays within the cap, checked in the same transaction; otherwise it
	// writes nothing and returns an error wrapping ErrOverBudget. The key must be unique.
	ReserveJob(ctx context.Context, j *Job) error
	UpdateJob(ctx context.Context, j Job) error // refused once final; never clears CancelRequested
	// ClaimJob makes owner the job's owner if its owner is still from (compare and set),
	// so two processes recovering at once cannot both drive a job.
	ClaimJob(ctx context.Context, id int64, from, owner string) (bool, error)
	// RequestCancel flags a job for its owner to cancel.
	RequestCancel(ctx context.Context, id int64) error
	Job(ctx context.Context, id int64) (Job, error)
	Jobs(ctx context.Context, unfinishedOnly bool) ([]Job, error)
	// FinishJob records a final job state with, when not nil, its take (ID assigned, then
	// set on the job), a ledger entry and a cache entry, all in one transaction.
	FinishJob(ctx context.Context, j *Job, t *Take, l *LedgerEntry, c *CacheEntry) error

	Take(ctx context.Context, id int64) (Take, error)
	Takes(ctx context.Context, shotID int64) ([]Take, error) // 0: every take
	UpdateTake(ctx context.Context, t Take) error            // rating and circled

	Ledger(ctx context.Context) ([]LedgerEntry, error)
	Cached(ctx context.Context, key string) (CacheEntry, bool, error)

	Budget(ctx context.Context) (Budget, error)
	SetBudget(ctx context.Context, capped bool, cap Micros) error
}
