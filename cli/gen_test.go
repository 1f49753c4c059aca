package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

type genResult struct {
	code           int
	stdout, stderr string
}

func genSlate(t *testing.T, bin, stdin string, args ...string) genResult {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return genResult{code, out.String(), errb.String()}
}

func genNewProjectFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "film.slate")
	p, err := project.Create(path, timeline.Settings{Rate: rt.Rate24, Width: 640, Height: 360, SampleRate: 48000}, project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	return path
}

func genTestImage(t *testing.T) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "still.png")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x180", "-frames:v", "1", img).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	return img
}

var (
	genTakeRe = regexp.MustCompile(`take (\d+) \(job (\d+), seed (\d+)\)`)
	genShotRe = regexp.MustCompile(`(?m)^shot (\d+) `)
)

func TestGenerationCommands(t *testing.T) {
	bin := buildSlate(t)
	file := genNewProjectFile(t)
	img := genTestImage(t)
	count := func(args ...string) int {
		r := genSlate(t, bin, "", args...)
		return strings.Count(r.stdout, "\n") - 1
	}
	var firstTake string

	t.Run("gen makes an animatic take, shows the estimate and prints the take id", func(t *testing.T) {
		r := genSlate(t, bin, "", "gen", file, "--op", "t2v", "--prompt", "a lighthouse in the rain", "--duration", "0.5",
			"--resolution", "180p", "--camera", "slow pan left", "--seed", "7", "--yes")
		if r.code != 0 {
			t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		m := genTakeRe.FindStringSubmatch(r.stdout)
		if m == nil || !strings.Contains(r.stdout, "estimate: $0.00") || !strings.Contains(r.stdout, "camera: pan left slow") {
			t.Fatalf("output %q", r.stdout)
		}
		firstTake = m[1]
		files, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "film.slate-media", "t2v-*.mp4"))
		sidecars, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "film.slate-media", "t2v-*.mp4.slate.json"))
		if len(files) != 1 || len(sidecars) != 1 {
			t.Errorf("media folder holds %v and %v", files, sidecars)
		}
	})
	t.Run("the same request again replays from the cache", func(t *testing.T) {
		r := genSlate(t, bin, "", "gen", file, "--shot", "1", "--op", "t2v", "--prompt", "a lighthouse in the rain", "--duration", "0.5",
			"--resolution", "180p", "--camera", "slow pan left", "--seed", "7", "--yes")
		if r.code != 0 || !strings.Contains(r.stdout, "cached, replays take "+firstTake) || !strings.Contains(r.stdout, "replayed from the cache at no cost") {
			t.Errorf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("gen asks before sending and a no sends nothing", func(t *testing.T) {
		jobs := count("jobs", file, "--all")
		r := genSlate(t, bin, "n\n", "gen", file, "--op", "t2i", "--prompt", "x", "--resolution", "180p")
		if r.code != 1 || !strings.Contains(r.stdout, "Proceed? [y/N]") || !strings.Contains(r.stderr, "not confirmed") {
			t.Errorf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		if count("jobs", file, "--all") != jobs {
			t.Error("a job was written without confirmation")
		}
		r = genSlate(t, bin, "y\n", "gen", file, "--op", "t2i", "--prompt", "x", "--resolution", "180p")
		if r.code != 0 || !genTakeRe.MatchString(r.stdout) {
			t.Errorf("a yes: exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
	})
	var moveTake, moveShot string
	t.Run("image-to-video with variations makes one take per seed", func(t *testing.T) {
		r := genSlate(t, bin, "", "gen", file, "--op", "i2v", "--image", img, "--camera", "dolly in slow", "--duration", "0.25",
			"--resolution", "180p", "--seed", "3", "--variations", "2", "--yes")
		ms := genTakeRe.FindAllStringSubmatch(r.stdout, -1)
		if r.code != 0 || len(ms) != 2 || ms[0][3] != "3" || ms[1][3] != "4" {
			t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		moveTake = ms[0][1]
		if m := genShotRe.FindStringSubmatch(r.stdout); m != nil {
			moveShot = m[1]
		}
	})
	t.Run("a take is extended, re-rolled and promoted with its lineage", func(t *testing.T) {
		for _, args := range [][]string{
			{"--op", "extend", "--take", moveTake, "--mode", "hold", "--duration", "0.25"},
			{"--reroll", moveTake},
			{"--promote", moveTake},
		} {
			r := genSlate(t, bin, "", append([]string{"gen", file, "--yes"}, args...)...)
			if r.code != 0 || !genTakeRe.MatchString(r.stdout) {
				t.Fatalf("%v: exit %d: %s %s", args, r.code, r.stdout, r.stderr)
			}
		}
		r := genSlate(t, bin, "", "takes", file, moveShot)
		for _, want := range []string{"extend-of " + moveTake, "reroll-of " + moveTake, "promote-of " + moveTake, "final"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("takes listing lacks %q:\n%s", want, r.stdout)
			}
		}
	})
	t.Run("continuity references are added to the bible once and cited by name after", func(t *testing.T) {
		r := genSlate(t, bin, "", "gen", file, "--op", "t2i", "--prompt", "ana at the pier", "--resolution", "180p",
			"--ref", "character:ana="+img, "--yes")
		if r.code != 0 {
			t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		r = genSlate(t, bin, "", "gen", file, "--op", "t2i", "--prompt", "ana again", "--resolution", "180p", "--ref", "character:ana", "--yes")
		if r.code != 0 {
			t.Errorf("citing a bible entry: exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("speech makes a WAV take", func(t *testing.T) {
		r := genSlate(t, bin, "", "gen", file, "--op", "speech", "--prompt", "Hold the door.", "--voice", "en", "--yes")
		if r.code != 0 || !strings.Contains(r.stdout, ".wav") {
			t.Errorf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("the listings show shots, takes, jobs, the ledger and the budget", func(t *testing.T) {
		checks := []struct {
			args []string
			want []string
		}{
			{[]string{"shots", file}, []string{"a lighthouse in the rain", "pan left slow"}},
			{[]string{"takes", file, "1"}, []string{"t2v", "cached"}},
			{[]string{"jobs", file, "--all"}, []string{"succeeded", "local"}},
			{[]string{"jobs", file}, []string{"no unfinished jobs"}},
			{[]string{"ledger", file}, []string{"per backend:", "local", "total: $0.00"}},
			{[]string{"budget", file, "set", "12.5"}, []string{"cap $12.50"}},
			{[]string{"budget", file}, []string{"cap $12.50", "spent $0.00"}},
			{[]string{"budget", file, "set", "off"}, []string{"no cap"}},
		}
		for _, c := range checks {
			r := genSlate(t, bin, "", c.args...)
			for _, w := range c.want {
				if r.code != 0 || !strings.Contains(r.stdout, w) {
					t.Errorf("%v: exit %d, output lacks %q:\n%s%s", c.args, r.code, w, r.stdout, r.stderr)
				}
			}
		}
	})
	t.Run("bad input is refused with nothing written", func(t *testing.T) {
		notImage := filepath.Join(t.TempDir(), "notes.png")
		os.WriteFile(notImage, []byte("text"), 0o644)
		shots, jobs := count("shots", file), count("jobs", file, "--all")
		bad := []struct {
			args []string
			code int
			want string
		}{
			{[]string{"--op", "morph"}, 1, "unknown operation"},
			{[]string{"--op", "i2v"}, 1, "needs --image"},
			{[]string{"--op", "i2v", "--image", "/no/such.png"}, 1, "no such file"},
			{[]string{"--op", "i2v", "--image", notImage}, 1, "not readable media"},
			{[]string{"--op", "t2v", "--prompt", "x", "--duration", "500"}, 1, "outside local's range"},
			{[]string{"--op", "t2v", "--prompt", "x", "--camera", "dolly sideways"}, 1, `unknown word "sideways"`},
			{[]string{"--op", "restyle", "--image", notImage, "--look", "pastel"}, 1, "must be one of"},
			{[]string{"--op", "t2v", "--rerun", "1"}, 2, "exactly one of"},
			{[]string{"--rerun", "999"}, 1, "not found"},
			{[]string{"--op", "t2i", "--prompt", "x", "--ref", "character:bob"}, 1, "not in the continuity bible"},
			{[]string{"--op", "t2i", "--prompt", "x", "--ref", "actor:bob"}, 1, "want KIND:NAME"},
		}
		for _, b := range bad {
			r := genSlate(t, bin, "", append([]string{"gen", file, "--yes"}, b.args...)...)
			if r.code != b.code || !strings.Contains(r.stderr, b.want) {
				t.Errorf("%v: exit %d, stderr %q, want %d and %q", b.args, r.code, r.stderr, b.code, b.want)
			}
		}
		if count("shots", file) != shots || count("jobs", file, "--all") != jobs {
			t.Error("a refused request left a shot or a job behind")
		}
	})
}

func TestJobsAcrossProcesses(t *testing.T) {
	// Flaky under a fully parallel test run: the polling `slate jobs` sometimes never sees the
	// job running (cause not found yet; see the issue note). Run it on purpose with
	// SLATE_PROCESS_TESTS=1 until it is fixed.
	if os.Getenv("SLATE_PROCESS_TESTS") == "" {
		t.Skip("set SLATE_PROCESS_TESTS=1 to run the cross-process cancel and resume test")
	}
	bin := buildSlate(t)
	img := genTestImage(t)
	long := func(file string) *exec.Cmd {
		cmd := exec.Command(bin, "gen", file, "--op", "i2v", "--image", img, "--camera", "orbit right", "--duration", "60",
			"--resolution", "180p", "--seed", "1", "--yes")
		return cmd
	}
	waitRunning := func(t *testing.T, file string) string {
		t.Helper()
		// Generous: under a full parallel test run the generator can take a while to start.
		deadline := time.Now().Add(90 * time.Second)
		for time.Now().Before(deadline) {
			r := genSlate(t, bin, "", "jobs", file)
			if m := regexp.MustCompile(`(?m)^(\d+)\s+running\b`).FindStringSubmatch(r.stdout); m != nil {
				return m[1]
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatal("the job never ran")
		return ""
	}
	t.Run("cancel stops a job another slate is running", func(t *testing.T) {
		file := genNewProjectFile(t)
		g := long(file)
		var out bytes.Buffer
		g.Stdout = &out
		if err := g.Start(); err != nil {
			t.Fatal(err)
		}
		job := waitRunning(t, file)
		r := genSlate(t, bin, "", "cancel", file, job)
		if r.code != 0 || !strings.Contains(r.stdout, "job "+job+" cancelled") {
			t.Errorf("cancel: exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		err := g.Wait()
		if err == nil || !strings.Contains(out.String(), "cancelled") {
			t.Errorf("gen ended with %v: %s", err, out.String())
		}
	})
	t.Run("a job killed with its process is resumed by key, not lost or sent twice", func(t *testing.T) {
		file := genNewProjectFile(t)
		g := long(file)
		g.Args = []string{bin, "gen", file, "--op", "i2v", "--image", img, "--camera", "orbit right", "--duration", "60",
			"--resolution", "180p", "--seed", "1", "--yes"}
		if err := g.Start(); err != nil {
			t.Fatal(err)
		}
		job := waitRunning(t, file)
		g.Process.Signal(syscall.SIGKILL)
		g.Wait()
		r := genSlate(t, bin, "", "jobs", file)
		if !strings.Contains(r.stdout, "(stopped)") || !strings.Contains(r.stdout, "--resume") {
			t.Errorf("jobs after the crash:\n%s", r.stdout)
		}
		r = genSlate(t, bin, "", "gen", file, "--resume")
		if r.code != 0 || !strings.Contains(r.stdout, "resuming job "+job) || !genTakeRe.MatchString(r.stdout) {
			t.Fatalf("resume: exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		r = genSlate(t, bin, "", "jobs", file, "--all")
		if strings.Count(r.stdout, "succeeded") != 1 || strings.Count(r.stdout, "\n") != 2 {
			t.Errorf("jobs after resuming:\n%s", r.stdout)
		}
	})
}
