package gen

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// Request builds the request for generating this shot with an operation on a backend. refs
// is the project's continuity bible; the shot's references are looked up in it. Seed -1
// stays -1 (Prepare picks one).
func (s Shot) Request(op Op, backend, model string, refs []Reference) (Request, error) {
	r := Request{Op: op, Backend: backend, Model: model, Tier: s.Tier, Prompt: s.Prompt,
		NegativePrompt: s.NegativePrompt, Frames: s.Frames, FPS: s.FPS, Width: s.Width, Height: s.Height,
		Seed: s.Seed, Camera: s.Camera}
	if r.Tier == "" {
		r.Tier = Draft
	}
	if s.FirstFrame != "" {
		role := RoleImage
		r.Inputs = append(r.Inputs, Input{Role: role, Path: s.FirstFrame})
	}
	if s.LastFrame != "" {
		r.Inputs = append(r.Inputs, Input{Role: RoleEndImage, Path: s.LastFrame})
	}
	for _, name := range s.References {
		found := false
		for _, ref := range refs {
			if ref.Kind+":"+ref.Name == name {
				r.Inputs = append(r.Inputs, Input{Role: RoleReference, Path: ref.Path, Tag: name})
				found = true
				break
			}
		}
		if !found {
			return Request{}, fmt.Errorf("reference %q: not in the continuity bible", name)
		}
	}
	return r, nil
}

// ParseReference reads "kind:name".
func ParseReference(s string) (kind, name string, err error) {
	k, n, ok := strings.Cut(s, ":")
	if !ok || n == "" || !contains(ReferenceKinds, k) {
		return "", "", fmt.Errorf("reference %q: want KIND:NAME with KIND one of %s", s, strings.Join(ReferenceKinds, ", "))
	}
	return k, n, nil
}

// Rerun submits a take's exact request again, skipping the cache (a model may not reproduce
// its seed; the new take says rerun-of). The inputs must still hash the same.
func (q *Queue) Rerun(ctx context.Context, takeID int64) (Plan, JobOptions, error) {
	t, err := q.store.Take(ctx, takeID)
	if err != nil {
		return Plan{}, JobOptions{}, err
	}
	p, err := q.Prepare(ctx, t.Request, PrepareOptions{Fresh: true})
	if err != nil {
		return Plan{}, JobOptions{}, err
	}
	for i, in := range p.Request.Inputs {
		if in.Hash != t.Request.Inputs[i].Hash {
			return Plan{}, JobOptions{}, fmt.Errorf("input %s (%s) changed since take %d: an exact re-run is not possible", in.Role, in.Path, takeID)
		}
	}
	return p, JobOptions{ShotID: t.ShotID, Lineage: Lineage{Kind: RerunOf, Take: takeID}}, nil
}

// Reroll prepares a take's request with another seed (seed < 0: a random one).
func (q *Queue) Reroll(ctx context.Context, takeID, seed int64) (Plan, JobOptions, error) {
	t, err := q.store.Take(ctx, takeID)
	if err != nil {
		return Plan{}, JobOptions{}, err
	}
	r := t.Request
	r.Key = ""
	if seed < 0 {
		for seed = RandomSeed(); seed == t.Request.Seed; seed = RandomSeed() {
		}
	}
	r.Seed = seed
	p, err := q.Prepare(ctx, r, PrepareOptions{})
	return p, JobOptions{ShotID: t.ShotID, Lineage: Lineage{Kind: RerollOf, Take: takeID}}, err
}

// Promote prepares a draft take's request at the final tier with the same parameters (same
// seed, camera, inputs), on the backend's final model when it names one, or on model.
func (q *Queue) Promote(ctx context.Context, takeID int64, model string) (Plan, JobOptions, error) {
	t, err := q.store.Take(ctx, takeID)
	if err != nil {
		return Plan{}, JobOptions{}, err
	}
	if t.Request.Tier == Final {
		return Plan{}, JobOptions{}, fmt.Errorf("take %d is already final", takeID)
	}
	r := t.Request
	r.Key = ""
	r.Tier = Final
	if model == "" {
		if _, caps, ok := q.Backend(r.Backend); ok {
			if spec, ok := caps.Op(r.Op); ok && spec.TierModels[Final] != "" {
				model = spec.TierModels[Final]
			}
		}
	}
	if model != "" {
		r.Model = model
	}
	p, err := q.Prepare(ctx, r, PrepareOptions{})
	return p, JobOptions{ShotID: t.ShotID, Lineage: Lineage{Kind: PromoteOf, Take: takeID}}, err
}

// Derive prepares an operation on a take's first output: extend, restyle, upscale, background
// removal or inpaint of it. base carries the operation, backend and parameters; the take's
// output becomes its video (or image) input.
func (q *Queue) Derive(ctx context.Context, takeID int64, base Request) (Plan, JobOptions, error) {
	t, err := q.store.Take(ctx, takeID)
	if err != nil {
		return Plan{}, JobOptions{}, err
	}
	if len(t.Outputs) == 0 {
		return Plan{}, JobOptions{}, fmt.Errorf("take %d has no outputs", takeID)
	}
	out := t.Outputs[0]
	role := RoleVideo
	if out.Kind == "image" {
		role = RoleImage
	}
	kinds := map[Op]string{Extend: ExtendOf, Restyle: RestyleOf, Upscale: UpscaleOf, BGRemove: BGRemoveOf, Inpaint: InpaintOf}
	kind, ok := kinds[base.Op]
	if !ok {
		return Plan{}, JobOptions{}, fmt.Errorf("operation %s cannot be applied to a take (use extend, restyle, upscale, bgremove or inpaint)", base.Op)
	}
	if base.Backend == "" {
		base.Backend = t.Request.Backend
	}
	if base.Tier == "" {
		base.Tier = t.Request.Tier
	}
	if base.FPS.Num == 0 {
		base.FPS = t.Request.FPS
	}
	if base.Prompt == "" {
		base.Prompt = t.Request.Prompt
	}
	var keep []Input
	for _, in := range base.Inputs {
		if in.Role != RoleVideo && in.Role != RoleImage {
			keep = append(keep, in)
		}
	}
	base.Inputs = append([]Input{{Role: role, Path: filepath.Join(q.media, out.Path)}}, keep...)
	p, err := q.Prepare(ctx, base, PrepareOptions{})
	return p, JobOptions{ShotID: t.ShotID, Lineage: Lineage{Kind: kind, Take: takeID}}, err
}
