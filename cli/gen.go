package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/render/gen"
	"github.com/slate-nle/slate/render/gen/local"
	"github.com/slate-nle/slate/timeline/rt"
)

func init() {
	genCommand.Run = runGen
	Register(genCommand)
}

var genCommand = &Command{
	Name: "gen",
	Usage: "FILE.slate --op t2v|t2i|i2v|keyframes|restyle|bgremove|inpaint|extend|upscale|speech [--prompt TEXT] [--image F] " +
		"[--end-image F] [--video F] [--camera \"dolly in slow\"] [--duration 5] [--aspect 16:9] [--seed N] [--variations N] " +
		"[--backend local] [--yes] | --rerun TAKE | --reroll TAKE | --promote TAKE | --resume",
	Summary: "generate takes of a shot: shows the estimate, asks before spending, streams progress, prints the take ids",
}

// genMulti is a repeatable string flag.
type genMulti []string

func (m *genMulti) String() string     { return strings.Join(*m, ",") }
func (m *genMulti) Set(s string) error { *m = append(*m, s); return nil }

type genOptions struct {
	op, prompt, negative, image, endImage, video, mask, plate, lut, camera string
	aspect, resolution, backend, model, tier, fps, name                    string
	look, mode, factor, voice                                              string
	duration                                                               float64
	seed                                                                   int64
	variations                                                             int
	shot, take, rerun, reroll, promote                                     int64
	yes, resume                                                            bool
	params, refs                                                           genMulti
}

func (f *genOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&f.op, "op", "", "operation: t2v, t2i, i2v, keyframes, restyle, bgremove, inpaint, extend, upscale, speech")
	fs.StringVar(&f.prompt, "prompt", "", "what to make (the words spoken, for speech)")
	fs.StringVar(&f.negative, "negative", "", "what to avoid")
	fs.StringVar(&f.image, "image", "", "the still (i2v, the first frame of keyframes, or the input of a finishing operation)")
	fs.StringVar(&f.endImage, "end-image", "", "the last frame (keyframes)")
	fs.StringVar(&f.video, "video", "", "the genClip to restyle, key, inpaint, extend or upscale")
	fs.StringVar(&f.mask, "mask", "", "inpaint mask: white where to fill")
	fs.StringVar(&f.plate, "plate", "", "clean background plate (bgremove --param method=difference)")
	fs.StringVar(&f.lut, "lut", "", "a .cube 3D LUT (restyle)")
	fs.StringVar(&f.camera, "camera", "", `camera move, e.g. "dolly in slow", "slow pan left", "orbit right with handheld"`)
	fs.Float64Var(&f.duration, "duration", 0, "seconds (default 5 for t2v, i2v and keyframes; 1 for extend)")
	fs.StringVar(&f.fps, "fps", "", "frame rate (default the project's)")
	fs.StringVar(&f.aspect, "aspect", "16:9", "aspect ratio W:H")
	fs.StringVar(&f.resolution, "resolution", "", "480p, 720p, 1080p, 4k, 8k (default 720p draft, 1080p final)")
	fs.Int64Var(&f.seed, "seed", -1, "seed (default: random); variations use seed, seed+1, …")
	fs.IntVar(&f.variations, "variations", 1, "how many takes to make")
	fs.StringVar(&f.backend, "backend", local.Name, "backend")
	fs.StringVar(&f.model, "model", "", "model (default: the backend's)")
	fs.StringVar(&f.tier, "tier", "draft", "draft or final")
	fs.StringVar(&f.name, "name", "", "name of the new shot")
	fs.StringVar(&f.look, "look", "", "restyle look: noir, teal-orange, bleach-bypass, sepia, toon, film-grain, vhs, lut")
	fs.StringVar(&f.mode, "mode", "", "extend mode: hold, boomerang, interpolate")
	fs.StringVar(&f.factor, "factor", "", "upscale factor: 2 or 4")
	fs.StringVar(&f.voice, "voice", "", "speech voice (espeak-ng language, e.g. en, en-us, de)")
	fs.Var(&f.params, "param", "operation parameter NAME=VALUE (repeatable)")
	fs.Var(&f.refs, "ref", "continuity reference KIND:NAME, or KIND:NAME=FILE to add it to the bible (repeatable)")
	fs.Int64Var(&f.shot, "shot", 0, "add the takes to this shot (its plan fills the flags not given)")
	fs.Int64Var(&f.take, "take", 0, "apply --op (extend, restyle, upscale, bgremove, inpaint) to this take's output")
	fs.Int64Var(&f.rerun, "rerun", 0, "run this take's exact request again")
	fs.Int64Var(&f.reroll, "reroll", 0, "run this take's request with a new seed (--seed to choose it)")
	fs.Int64Var(&f.promote, "promote", 0, "run this draft take again at the final tier, same parameters")
	fs.BoolVar(&f.yes, "yes", false, "do not ask before spending")
	fs.BoolVar(&f.resume, "resume", false, "only resume the jobs a crashed or stopped Slate left unfinished")
}

// genSession is an open project with its generation queue.
type genSession struct {
	newRefs []gen.Reference // bible entries --ref adds, written after confirmation
	p       *project.Project
	q       *gen.Queue
	lb      *local.Backend
}

func genOpenSession(ctx context.Context, path string) (*genSession, error) {
	if !strings.HasSuffix(path, ".slate") {
		return nil, fmt.Errorf("%s: not a .slate project file", path)
	}
	p, err := project.Open(path)
	if err != nil {
		return nil, err
	}
	s := &genSession{p: p}
	var backends []gen.Backend
	if s.lb, err = local.New(filepath.Join(p.MediaDir(), ".work", local.Name), local.Options{}); err != nil {
		p.Close()
		return nil, err
	}
	backends = append(backends, s.lb)
	if s.q, err = gen.New(ctx, gen.Config{Store: p, MediaDir: p.MediaDir(), Backends: backends}); err != nil {
		p.Close()
		return nil, err
	}
	return s, nil
}

func (s *genSession) close() error {
	s.q.Close()
	return s.p.Close()
}

// tidy removes the local backend's copies of finished jobs (their outputs are in the
// media folder now).
func (s *genSession) tidy(ctx context.Context, jobs []gen.Job) {
	for _, j := range jobs {
		if cur, err := s.p.Job(ctx, j.ID); err == nil && cur.State.Final() && cur.Request.Backend == local.Name {
			s.lb.Forget(cur.Key)
		}
	}
}

func runGen(ctx context.Context, env Env, args []string) error {
	var f genOptions
	fs := FlagSet(genCommand, env.Stderr)
	f.register(fs)
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return Usagef("want one project file, got %d arguments", len(pos))
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	modes := 0
	for _, m := range []bool{f.rerun != 0, f.reroll != 0, f.promote != 0, f.resume, set["op"]} {
		if m {
			modes++
		}
	}
	if modes != 1 {
		return Usagef("give exactly one of --op, --rerun, --reroll, --promote or --resume")
	}
	s, err := genOpenSession(ctx, pos[0])
	if err != nil {
		return err
	}
	defer s.close()

	took, err := s.q.Recover(ctx)
	if err != nil {
		return err
	}
	for _, j := range took {
		fmt.Fprintf(env.Stdout, "resuming job %d (%s %s, left %s by a Slate that stopped)\n", j.ID, j.Request.Backend, j.Request.Op, j.State)
	}
	if f.resume {
		if len(took) == 0 {
			fmt.Fprintln(env.Stdout, "no unfinished jobs to resume")
			return nil
		}
		return s.follow(ctx, env, took)
	}

	plans, opts, newShot, err := s.plan(ctx, &f, set)
	if err != nil {
		return err
	}
	if err := s.confirm(ctx, env, plans, f.yes); err != nil {
		return err
	}
	for _, r := range s.newRefs {
		if err := s.p.PutReference(ctx, r); err != nil {
			return err
		}
	}
	if newShot != nil {
		if err := s.p.CreateShot(ctx, newShot); err != nil {
			return err
		}
		opts.ShotID = newShot.ID
		fmt.Fprintf(env.Stdout, "shot %d %q\n", newShot.ID, newShot.Name)
	}
	jobs := append([]gen.Job(nil), took...)
	for _, p := range plans {
		j, err := s.q.Enqueue(ctx, p, opts)
		if err != nil {
			// The budget was checked above, but another process may have spent since:
			// the jobs already queued go on, nothing more is sent.
			if len(jobs) > 0 {
				s.follow(ctx, env, jobs)
			}
			return err
		}
		jobs = append(jobs, j)
	}
	return s.follow(ctx, env, jobs)
}

// plan builds and prepares the requests: nothing is written, so a bad flag, a missing or
// unreadable input or an out-of-range duration leaves the project as it was.
func (s *genSession) plan(ctx context.Context, f *genOptions, set map[string]bool) ([]gen.Plan, gen.JobOptions, *gen.Shot, error) {
	switch {
	case f.rerun != 0:
		p, o, err := s.q.Rerun(ctx, f.rerun)
		return []gen.Plan{p}, o, nil, err
	case f.reroll != 0:
		p, o, err := s.q.Reroll(ctx, f.reroll, f.seed)
		return []gen.Plan{p}, o, nil, err
	case f.promote != 0:
		p, o, err := s.q.Promote(ctx, f.promote, f.model)
		return []gen.Plan{p}, o, nil, err
	}
	op, err := gen.ParseOp(f.op)
	if err != nil {
		return nil, gen.JobOptions{}, nil, err
	}
	if f.variations < 1 || f.variations > 16 {
		return nil, gen.JobOptions{}, nil, fmt.Errorf("variations %d: want 1 to 16", f.variations)
	}
	tier := gen.Tier(f.tier)
	if tier != gen.Draft && tier != gen.Final {
		return nil, gen.JobOptions{}, nil, fmt.Errorf("tier %q: want draft or final", f.tier)
	}
	var shot gen.Shot
	if f.shot != 0 {
		if shot, err = s.p.Shot(ctx, f.shot); err != nil {
			return nil, gen.JobOptions{}, nil, err
		}
	}
	fps := shot.FPS
	if set["fps"] || fps.Num == 0 {
		fps = s.p.Timeline().Settings.Rate
		if set["fps"] {
			if fps, err = rt.ParseRate(f.fps); err != nil {
				return nil, gen.JobOptions{}, nil, fmt.Errorf("fps: %v", err)
			}
		}
	}
	dur := f.duration
	if !set["duration"] {
		dur = 5
		if op == gen.Extend {
			dur = 1
		}
		if shot.Frames > 0 && op != gen.Extend {
			dur = fps.Seconds(rt.Time(shot.Frames))
		}
	}
	if dur <= 0 || math.IsNaN(dur) || dur > 3600 {
		return nil, gen.JobOptions{}, nil, fmt.Errorf("duration %g: want a positive number of seconds", dur)
	}
	frames, err := fps.FromSeconds(dur)
	if err != nil {
		return nil, gen.JobOptions{}, nil, fmt.Errorf("duration: %v", err)
	}
	res := f.resolution
	if res == "" {
		res = "720p"
		if tier == gen.Final {
			res = "1080p"
		}
	}
	w, h, err := gen.Resolution(f.aspect, res)
	if err != nil {
		return nil, gen.JobOptions{}, nil, err
	}
	if shot.ID != 0 && !set["aspect"] && !set["resolution"] && shot.Width > 0 {
		w, h = shot.Width, shot.Height
	}
	cam := shot.Camera
	if set["camera"] || shot.ID == 0 {
		if cam, err = gen.ParseCamera(f.camera); err != nil {
			return nil, gen.JobOptions{}, nil, err
		}
	}
	prompt, negative := f.prompt, f.negative
	if shot.ID != 0 && !set["prompt"] {
		prompt = shot.Prompt
	}
	if shot.ID != 0 && !set["negative"] {
		negative = shot.NegativePrompt
	}
	r := gen.Request{Op: op, Backend: f.backend, Model: f.model, Tier: tier, Prompt: prompt, NegativePrompt: negative,
		Frames: int64(frames), FPS: fps, Width: w, Height: h, Camera: cam, Params: map[string]string{}}
	if !genTimed(op) {
		r.Frames, r.Width, r.Height = 0, 0, 0
		if op == gen.TextToImage {
			r.Width, r.Height = w, h
		}
	}
	if op == gen.Extend {
		r.Width, r.Height = 0, 0
	}
	image := f.image
	if image == "" && shot.FirstFrame != "" && (op == gen.ImageToVideo || op == gen.Keyframes) {
		image = shot.FirstFrame
	}
	end := f.endImage
	if end == "" && op == gen.Keyframes {
		end = shot.LastFrame
	}
	for _, in := range []struct{ role, path string }{{gen.RoleImage, image}, {gen.RoleEndImage, end}, {gen.RoleVideo, f.video},
		{gen.RoleMask, f.mask}, {gen.RolePlate, f.plate}, {gen.RoleLUT, f.lut}} {
		if in.path != "" {
			r.Inputs = append(r.Inputs, gen.Input{Role: in.role, Path: in.path})
		}
	}
	for k, v := range map[string]string{"look": f.look, "mode": f.mode, "factor": f.factor, "voice": f.voice} {
		if v != "" {
			r.Params[k] = v
		}
	}
	for _, kv := range f.params {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, gen.JobOptions{}, nil, fmt.Errorf("--param %q: want NAME=VALUE", kv)
		}
		r.Params[k] = v
	}
	if len(r.Params) == 0 {
		r.Params = nil
	}
	refNames, err := s.references(ctx, f.refs, shot.References)
	if err != nil {
		return nil, gen.JobOptions{}, nil, err
	}
	if len(refNames) > 0 {
		bible, err := s.p.References(ctx)
		if err != nil {
			return nil, gen.JobOptions{}, nil, err
		}
		bible = append(s.newRefs, bible...)
		for _, n := range refNames {
			for _, b := range bible {
				if b.Kind+":"+b.Name == n {
					r.Inputs = append(r.Inputs, gen.Input{Role: gen.RoleReference, Path: b.Path, Tag: n})
				}
			}
		}
	}
	var plans []gen.Plan
	opts := gen.JobOptions{ShotID: shot.ID}
	for i := 0; i < f.variations; i++ {
		ri := r
		ri.Inputs = append([]gen.Input(nil), r.Inputs...)
		switch {
		case f.seed >= 0:
			ri.Seed = f.seed + int64(i)
		case shot.Seed >= 0 && shot.ID != 0:
			ri.Seed = shot.Seed + int64(i)
		default:
			ri.Seed = -1
		}
		var p gen.Plan
		if f.take != 0 {
			ri.Inputs = nil
			for _, in := range r.Inputs {
				if in.Role != gen.RoleVideo && in.Role != gen.RoleImage {
					ri.Inputs = append(ri.Inputs, in)
				}
			}
			p, opts, err = s.q.Derive(ctx, f.take, ri)
		} else {
			p, err = s.q.Prepare(ctx, ri, gen.PrepareOptions{})
		}
		if err != nil {
			return nil, gen.JobOptions{}, nil, err
		}
		plans = append(plans, p)
	}
	var newShot *gen.Shot
	if shot.ID == 0 && f.take == 0 {
		name := f.name
		if name == "" {
			name = genShotName(r)
		}
		newShot = &gen.Shot{Name: name, Prompt: prompt, NegativePrompt: negative, Frames: r.Frames, FPS: fps,
			Width: w, Height: h, Seed: f.seed, Tier: tier, Camera: cam, References: refNames, FirstFrame: genAbs(image),
			LastFrame: genAbs(end), Variations: f.variations}
	}
	return plans, opts, newShot, nil
}

func genAbs(p string) string {
	if p == "" {
		return ""
	}
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

func genTimed(op gen.Op) bool {
	return op == gen.TextToVideo || op == gen.ImageToVideo || op == gen.Keyframes || op == gen.Extend
}

// genShotName makes a short name from the prompt or the operation.
func genShotName(r gen.Request) string {
	words := strings.Fields(r.Prompt)
	if len(words) == 0 {
		return string(r.Op)
	}
	if len(words) > 5 {
		words = words[:5]
	}
	return strings.Join(words, " ")
}

// references resolves --ref flags (adding KIND:NAME=FILE entries to the bible) and the shot's
// own references into "kind:name" names.
func (s *genSession) references(ctx context.Context, flags []string, shotRefs []string) ([]string, error) {
	var names []string
	have, err := s.p.References(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, r := range have {
		known[r.Kind+":"+r.Name] = true
	}
	var add []gen.Reference
	for _, fl := range flags {
		name, file, hasFile := strings.Cut(fl, "=")
		kind, n, err := gen.ParseReference(name)
		if err != nil {
			return nil, err
		}
		if hasFile {
			h, err := gen.HashFile(file)
			if err != nil {
				return nil, fmt.Errorf("reference %s: %v", name, err)
			}
			add = append(add, gen.Reference{Kind: kind, Name: n, Path: genAbs(file), Hash: h})
			known[name] = true
		} else if !known[name] {
			return nil, fmt.Errorf("reference %q is not in the continuity bible: add it with --ref %s=FILE", name, name)
		}
		names = append(names, name)
	}
	s.newRefs = add // written to the bible once the user confirms
	if len(flags) == 0 {
		names = shotRefs
	}
	return names, nil
}

// confirm shows the estimate and asks before anything that costs money or time is sent. A
// budget that cannot hold the total refuses here, before anything is written.
func (s *genSession) confirm(ctx context.Context, env Env, plans []gen.Plan, yes bool) error {
	var total gen.Estimate
	for i, p := range plans {
		r := p.Request
		line := fmt.Sprintf("  %d. %s on %s", i+1, r.Op, r.Backend)
		if r.Model != "" {
			line += " (" + r.Model + ")"
		}
		line += fmt.Sprintf(", seed %d", r.Seed)
		if r.Frames > 0 {
			line += fmt.Sprintf(", %gs at %s fps", genRoundTo(r.Seconds(), 3), r.FPS)
		}
		if r.Width > 0 {
			line += fmt.Sprintf(", %dx%d", r.Width, r.Height)
		}
		if !r.Camera.IsStatic() {
			line += ", camera: " + r.Camera.String()
		}
		if p.Cached != nil {
			line += fmt.Sprintf(": cached, replays take %d at no cost", p.Cached.TakeID)
		} else {
			line += ": " + p.Estimate.String()
			total = total.Add(p.Estimate)
		}
		fmt.Fprintln(env.Stdout, line)
	}
	fmt.Fprintf(env.Stdout, "estimate: %s\n", total)
	b, err := s.p.Budget(ctx)
	if err != nil {
		return err
	}
	if b.Capped {
		if total.USD > b.Left() {
			return fmt.Errorf("budget exceeded: this needs %s and %s of the %s budget is left (%s spent, %s reserved); nothing was sent",
				total.USD, max(0, b.Left()), b.Cap, b.Spent, b.Reserved)
		}
		fmt.Fprintf(env.Stdout, "budget: %s left of %s\n", b.Left(), b.Cap)
	}
	if yes {
		return nil
	}
	fmt.Fprint(env.Stdout, "Proceed? [y/N] ")
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return errors.New("not confirmed: nothing was sent (use --yes to skip the question)")
	}
	return nil
}

func genRoundTo(f float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(f*p) / p
}

// follow streams progress until every job is final, then prints the takes. Interrupting it
// (Ctrl-C) cancels the jobs.
func (s *genSession) follow(ctx context.Context, env Env, jobs []gen.Job) error {
	updates, stop := s.q.Subscribe()
	defer stop()
	want := map[int64]bool{}
	for _, j := range jobs {
		want[j.ID] = true
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, j := range jobs {
			s.q.Wait(context.Background(), j.ID)
		}
	}()
	last := map[int64]string{}
	lastPct := map[int64]int{}
	interrupted := false
loop:
	for {
		select {
		case u := <-updates:
			if !want[u.Job.ID] {
				continue
			}
			state := string(u.Job.State)
			pct := int(u.Job.Progress * 100)
			if state == last[u.Job.ID] && (pct < lastPct[u.Job.ID]+10 || u.Job.State != gen.JobRunning) {
				continue
			}
			last[u.Job.ID], lastPct[u.Job.ID] = state, pct
			if u.Job.State == gen.JobRunning {
				fmt.Fprintf(env.Stdout, "job %d: running %d%%\n", u.Job.ID, pct)
			} else if !u.Job.State.Final() {
				fmt.Fprintf(env.Stdout, "job %d: %s\n", u.Job.ID, state)
			}
		case <-ctx.Done():
			if !interrupted {
				interrupted = true
				fmt.Fprintln(env.Stderr, "interrupted: cancelling the jobs")
				for _, j := range jobs {
					s.q.Cancel(context.Background(), j.ID)
				}
			}
			ctx = context.Background()
		case <-done:
			break loop
		}
	}
	s.tidy(context.Background(), jobs)
	failed := 0
	for _, j := range jobs {
		cur, err := s.p.Job(context.Background(), j.ID)
		if err != nil {
			return err
		}
		switch cur.State {
		case gen.JobSucceeded:
			t, err := s.p.Take(context.Background(), cur.TakeID)
			if err != nil {
				return err
			}
			note := ""
			if t.FromCache {
				note = " (replayed from the cache at no cost)"
			}
			var files []string
			for _, o := range t.Outputs {
				files = append(files, filepath.Join(filepath.Base(s.p.MediaDir()), o.Path))
			}
			fmt.Fprintf(env.Stdout, "take %d (job %d, seed %d): %s%s\n", t.ID, cur.ID, t.Request.Seed, strings.Join(files, ", "), note)
		default:
			failed++
			fmt.Fprintf(env.Stdout, "job %d %s: %s\n", cur.ID, cur.State, cur.Message)
		}
	}
	if interrupted {
		return errors.New("interrupted")
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d jobs did not make a take", failed, len(jobs))
	}
	return nil
}

// genOpenForReading opens a project to list things: for writing when free, read-only beside a
// Slate that has it open.
func genOpenForReading(path string) (*project.Project, error) {
	if !strings.HasSuffix(path, ".slate") {
		return nil, fmt.Errorf("%s: not a .slate project file", path)
	}
	p, err := project.Open(path)
	if errors.Is(err, project.ErrLocked) {
		return project.OpenReadOnly(path)
	}
	return p, err
}

func genSortedKeys[V any](m map[string]V) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

func genAgo(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func genItoa(i int64) string { return strconv.FormatInt(i, 10) }
