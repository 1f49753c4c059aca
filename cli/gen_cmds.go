package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/render/gen"
	"github.com/slate-nle/slate/timeline/rt"
)

func init() {
	shotsCommand.Run, takesCommand.Run, jobsCommand.Run = runShots, runTakes, runJobs
	cancelCommand.Run, ledgerCommand.Run, budgetCommand.Run = runCancel, runLedger, runBudget
	for _, c := range []*Command{shotsCommand, takesCommand, jobsCommand, cancelCommand, ledgerCommand, budgetCommand} {
		Register(c)
	}
}

var (
	shotsCommand  = &Command{Name: "shots", Usage: "FILE.slate", Summary: "list the project's shots and how many takes each has"}
	takesCommand  = &Command{Name: "takes", Usage: "FILE.slate SHOT", Summary: "list a shot's takes: seed, cost, rating, lineage, files"}
	jobsCommand   = &Command{Name: "jobs", Usage: "FILE.slate [--all]", Summary: "list generation jobs (unfinished ones unless --all)"}
	cancelCommand = &Command{Name: "cancel", Usage: "FILE.slate JOB", Summary: "cancel a generation job"}
	ledgerCommand = &Command{Name: "ledger", Usage: "FILE.slate", Summary: "what generation cost, entry by entry, per backend and per shot"}
	budgetCommand = &Command{Name: "budget", Usage: "FILE.slate [set AMOUNT|off]", Summary: "show or set the project's spending cap in dollars"}
)

func genOnePlus(c *Command, env Env, args []string, extra int) ([]string, error) {
	fs := FlagSet(c, env.Stderr)
	pos, err := Parse(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) < 1 || len(pos) > 1+extra {
		return nil, Usagef("wrong number of arguments")
	}
	return pos, nil
}

func runShots(ctx context.Context, env Env, args []string) error {
	pos, err := genOnePlus(shotsCommand, env, args, 0)
	if err != nil {
		return err
	}
	p, err := genOpenForReading(pos[0])
	if err != nil {
		return err
	}
	defer p.Close()
	shots, err := p.Shots(ctx)
	if err != nil {
		return err
	}
	takes, err := p.Takes(ctx, 0)
	if err != nil {
		return err
	}
	count := map[int64]int{}
	for _, t := range takes {
		count[t.ShotID]++
	}
	if len(shots) == 0 {
		fmt.Fprintln(env.Stdout, "no shots yet: make one with slate gen FILE.slate --op t2v --prompt ...")
		return nil
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SHOT\tNAME\tTIER\tLENGTH\tSIZE\tCAMERA\tTAKES\tPROMPT")
	for _, s := range shots {
		length := "-"
		if s.Frames > 0 && s.FPS.Num > 0 {
			length = fmt.Sprintf("%gs@%s", genRoundTo(s.FPS.Seconds(rt.Time(s.Frames)), 3), s.FPS)
		}
		size := "-"
		if s.Width > 0 {
			size = fmt.Sprintf("%dx%d", s.Width, s.Height)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", s.ID, s.Name, s.Tier, length, size, s.Camera.String(), count[s.ID], genClip(s.Prompt, 50))
	}
	return w.Flush()
}

func genClip(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}

func genParseID(what, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, Usagef("%s %q: want a positive number", what, s)
	}
	return n, nil
}

func runTakes(ctx context.Context, env Env, args []string) error {
	pos, err := genOnePlus(takesCommand, env, args, 1)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return Usagef("want FILE.slate and a shot number")
	}
	id, err := genParseID("shot", pos[1])
	if err != nil {
		return err
	}
	p, err := genOpenForReading(pos[0])
	if err != nil {
		return err
	}
	defer p.Close()
	if _, err := p.Shot(ctx, id); err != nil {
		return err
	}
	takes, err := p.Takes(ctx, id)
	if err != nil {
		return err
	}
	if len(takes) == 0 {
		fmt.Fprintf(env.Stdout, "shot %d has no takes yet\n", id)
		return nil
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TAKE\tOP\tBACKEND\tTIER\tSEED\tCOST\tRATING\tCIRCLED\tFROM\tMADE\tFILES")
	for _, t := range takes {
		cost := t.Cost.USD.String()
		if t.FromCache {
			cost = "cached"
		}
		from := "-"
		if t.Lineage.Kind != "" {
			from = fmt.Sprintf("%s %d", t.Lineage.Kind, t.Lineage.Take)
		}
		circled := ""
		if t.Circled {
			circled = "yes"
		}
		var files []string
		for _, o := range t.Outputs {
			files = append(files, o.Path)
		}
		backend := t.Request.Backend
		if t.Request.Model != "" {
			backend += "/" + t.Request.Model
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s\n", t.ID, t.Request.Op, backend, t.Request.Tier, t.Request.Seed,
			cost, t.Rating, circled, from, genAgo(t.Finished), strings.Join(files, ", "))
	}
	return w.Flush()
}

func runJobs(ctx context.Context, env Env, args []string) error {
	fs := FlagSet(jobsCommand, env.Stderr)
	all := fs.Bool("all", false, "list finished jobs too")
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return Usagef("want one project file")
	}
	p, err := genOpenForReading(pos[0])
	if err != nil {
		return err
	}
	defer p.Close()
	jobs, err := p.Jobs(ctx, !*all)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		if *all {
			fmt.Fprintln(env.Stdout, "no jobs")
		} else {
			fmt.Fprintln(env.Stdout, "no unfinished jobs (slate jobs FILE --all lists every job)")
		}
		return nil
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "JOB\tSTATE\tPROGRESS\tBACKEND\tOP\tSHOT\tTAKE\tESTIMATE\tMESSAGE")
	orphans := 0
	for _, j := range jobs {
		state := string(j.State)
		if !j.State.Final() && !gen.OwnerAlive(j.Owner) {
			state += " (stopped)"
			orphans++
		}
		take := "-"
		if j.TakeID != 0 {
			take = genItoa(j.TakeID)
		}
		shot := "-"
		if j.ShotID != 0 {
			shot = genItoa(j.ShotID)
		}
		fmt.Fprintf(w, "%d\t%s\t%d%%\t%s\t%s\t%s\t%s\t%s\t%s\n", j.ID, state, int(j.Progress*100), j.Request.Backend, j.Request.Op,
			shot, take, j.Estimate.String(), genClip(j.Message, 60))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if orphans > 0 {
		fmt.Fprintf(env.Stdout, "%d job(s) were left by a Slate that stopped: slate gen %s --resume takes them up\n", orphans, pos[0])
	}
	return nil
}

func runCancel(ctx context.Context, env Env, args []string) error {
	pos, err := genOnePlus(cancelCommand, env, args, 1)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return Usagef("want FILE.slate and a job number")
	}
	id, err := genParseID("job", pos[1])
	if err != nil {
		return err
	}
	s, err := genOpenSession(ctx, pos[0])
	if errors.Is(err, project.ErrLocked) {
		// Another Slate has the project open and drives the job: ask it through the
		// media folder and watch the job end.
		r, rerr := project.OpenReadOnly(pos[0])
		if rerr != nil {
			return rerr
		}
		defer r.Close()
		j, err := r.Job(ctx, id)
		if err != nil {
			return err
		}
		if j.State.Final() {
			return fmt.Errorf("job %d is already %s", id, j.State)
		}
		if err := gen.RequestCancelByFile(r.MediaDir(), id); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "asked the Slate that has %s open to cancel job %d\n", pos[0], id)
		for i := 0; i < 100; i++ {
			time.Sleep(100 * time.Millisecond)
			if ch, _ := r.Changed(); ch {
				r.Reload()
			}
			if j, err = r.Job(ctx, id); err == nil && j.State.Final() {
				fmt.Fprintf(env.Stdout, "job %d %s\n", id, j.State)
				return nil
			}
		}
		fmt.Fprintf(env.Stdout, "job %d is still %s; it stops when its backend confirms\n", id, j.State)
		return nil
	}
	if err != nil {
		return err
	}
	defer s.close()
	if err := s.q.Cancel(ctx, id); err != nil {
		return err
	}
	j, err := s.q.Wait(ctx, id)
	if err != nil {
		return err
	}
	s.tidy(ctx, []gen.Job{j})
	fmt.Fprintf(env.Stdout, "job %d %s\n", id, j.State)
	return nil
}

func runLedger(ctx context.Context, env Env, args []string) error {
	pos, err := genOnePlus(ledgerCommand, env, args, 0)
	if err != nil {
		return err
	}
	p, err := genOpenForReading(pos[0])
	if err != nil {
		return err
	}
	defer p.Close()
	entries, err := p.Ledger(ctx)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		fmt.Fprintln(env.Stdout, "nothing spent yet")
		return nil
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "WHEN\tBACKEND\tSHOT\tJOB\tTAKE\tCOST\tNOTE")
	byBackend := map[string]gen.Estimate{}
	byShot := map[string]gen.Estimate{}
	var total gen.Estimate
	for _, l := range entries {
		shot := "-"
		if l.ShotID != 0 {
			shot = genItoa(l.ShotID)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", genAgo(l.Time), l.Backend, shot, l.JobID, genItoa(l.TakeID), l.Cost.String(), l.Note)
		byBackend[l.Backend] = byBackend[l.Backend].Add(l.Cost)
		byShot[shot] = byShot[shot].Add(l.Cost)
		total = total.Add(l.Cost)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "\nper backend:")
	for _, k := range genSortedKeys(byBackend) {
		fmt.Fprintf(env.Stdout, "  %-10s %s\n", k, byBackend[k])
	}
	fmt.Fprintln(env.Stdout, "per shot:")
	for _, k := range genSortedKeys(byShot) {
		fmt.Fprintf(env.Stdout, "  %-10s %s\n", k, byShot[k])
	}
	fmt.Fprintf(env.Stdout, "total: %s\n", total)
	return nil
}

func runBudget(ctx context.Context, env Env, args []string) error {
	pos, err := genOnePlus(budgetCommand, env, args, 2)
	if err != nil {
		return err
	}
	if len(pos) == 2 || (len(pos) == 3 && pos[1] != "set") {
		return Usagef("want FILE.slate, or FILE.slate set AMOUNT|off")
	}
	if len(pos) == 3 {
		capped, amount := true, gen.Micros(0)
		if pos[2] == "off" || pos[2] == "none" {
			capped = false
		} else if amount, err = gen.ParseMoney(pos[2]); err != nil {
			return err
		}
		p, err := project.Open(pos[0])
		if err != nil {
			return err
		}
		defer p.Close()
		if err := p.SetBudget(ctx, capped, amount); err != nil {
			return err
		}
		return genShowBudget(ctx, env, p)
	}
	p, err := genOpenForReading(pos[0])
	if err != nil {
		return err
	}
	defer p.Close()
	return genShowBudget(ctx, env, p)
}

func genShowBudget(ctx context.Context, env Env, p *project.Project) error {
	b, err := p.Budget(ctx)
	if err != nil {
		return err
	}
	if !b.Capped {
		fmt.Fprintf(env.Stdout, "no cap; spent %s, reserved %s\n", b.Spent, b.Reserved)
		return nil
	}
	fmt.Fprintf(env.Stdout, "cap %s; spent %s, reserved %s, left %s\n", b.Cap, b.Spent, b.Reserved, b.Left())
	return nil
}
