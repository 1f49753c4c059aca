package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

type event struct {
	Event    string `json:"event"`
	Frame    *int64 `json:"frame"`
	Duration *int64 `json:"duration"`
	Width    int    `json:"width"`
	Message  string `json:"message"`
	Dropped  *int64 `json:"dropped"`
	ShownN   *int64 `json:"shown"`
	at       time.Time
}

// colorProject makes a 24 fps project with one 4 s clip of a solid colour with a tone.
func colorProject(t *testing.T, dir, color string) (string, timeline.ID) {
	t.Helper()
	clip := filepath.Join(dir, color+".mp4")
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=c="+color+":size=320x180:rate=24:duration=4",
		"-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-shortest", clip).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	path := filepath.Join(dir, "film.slate")
	p, err := project.Create(path, timeline.Settings{Rate: rt.Rate24, Width: 320, Height: 180, SampleRate: 48000})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Apply(&edit.AddTrack{Kind: timeline.Video}); err != nil {
		t.Fatal(err)
	}
	m, err := mediaset.Describe(context.Background(), clip)
	if err != nil {
		t.Fatal(err)
	}
	id, err := p.AddMedia(m)
	if err != nil {
		t.Fatal(err)
	}
	track := p.Timeline().Tracks[0].ID
	if err := p.Apply(&edit.Append{Track: track, Clip: edit.ClipSpec{Media: id, Dur: 96, SourceDur: 96}}); err != nil {
		t.Fatal(err)
	}
	return path, id
}

func TestThePlayerPlaysFollowsEditsAndQuitsUnderXvfb(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("needs a display: run under xvfb-run -a")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "slate-player")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
	path, media := colorProject(t, dir, "red")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--no-audio", "--scale", "1", path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr limited
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	events := make(chan event, 1000)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var e event
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Errorf("stdout line %q is not a JSON event: %v", sc.Text(), err)
				continue
			}
			e.at = time.Now()
			events <- e
		}
		close(events)
	}()
	send := func(line string) {
		if _, err := io.WriteString(stdin, line+"\n"); err != nil {
			t.Fatalf("send %s: %v", line, err)
		}
	}
	// waitFor reads events until one satisfies ok, or fails after d.
	waitFor := func(what string, d time.Duration, ok func(event) bool) event {
		t.Helper()
		timer := time.After(d)
		for {
			select {
			case e, open := <-events:
				if !open {
					t.Fatalf("player exited waiting for %s; stderr: %s", what, stderr.String())
				}
				if e.Event == "error" {
					t.Errorf("error event: %s", e.Message)
				}
				if ok(e) {
					return e
				}
			case <-timer:
				t.Fatalf("no %s within %v; stderr: %s", what, d, stderr.String())
			}
		}
	}
	ready := waitFor("ready", 20*time.Second, func(e event) bool { return e.Event == "ready" })
	if ready.Width != 320 || ready.Duration == nil || *ready.Duration != 96 {
		t.Errorf("ready event %+v, want width 320 and duration 96", ready)
	}

	send(`{"cmd":"play"}`)
	start := time.Now()
	first := waitFor("pos while playing", 5*time.Second, func(e event) bool { return e.Event == "pos" })
	last := first
	for time.Since(start) < 3*time.Second {
		last = waitFor("pos", 2*time.Second, func(e event) bool { return e.Event == "pos" })
	}
	if adv := *last.Frame - *first.Frame; adv < 48 || adv > 80 {
		t.Errorf("3 s of playback moved pos from %d to %d, want about 72 frames", *first.Frame, *last.Frame)
	}
	send(`{"cmd":"pause"}`)
	send(`{"cmd":"seek","frame":12}`)
	waitFor("pos 12", 3*time.Second, func(e event) bool { return e.Event == "pos" && *e.Frame == 12 })
	time.Sleep(500 * time.Millisecond)

	shot := filepath.Join(dir, "screen.png")
	if out, err := exec.Command("import", "-window", "root", shot).CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	if dst := os.Getenv("SLATE_PLAYER_SCREENSHOT"); dst != "" {
		b, _ := os.ReadFile(shot)
		os.WriteFile(dst, b, 0o644)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Where the window sits depends on the window manager; count the frame's pixels instead.
	red := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 > 200 && g>>8 < 60 && b>>8 < 60 {
				red++
			}
		}
	}
	if want := 320 * 180; red < want*9/10 || red > want*11/10 {
		t.Errorf("the screenshot has %d red pixels, want the 320x180 red frame (%d)", red, want)
	}

	// An edit committed by a writer shows up without a command.
	w, err := project.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	committed := time.Now()
	if err := w.Apply(&edit.Append{Track: w.Timeline().Tracks[0].ID, Clip: edit.ClipSpec{Media: media, Dur: 48, SourceDur: 96}}); err != nil {
		t.Fatal(err)
	}
	re := waitFor("reloaded", 5*time.Second, func(e event) bool { return e.Event == "reloaded" })
	t.Logf("reloaded %v after the commit", re.at.Sub(committed))
	if *re.Duration != 144 || *re.Frame != 12 {
		t.Errorf("reloaded event %+v, want duration 144 at the kept position 12", re)
	}
	w.Close()

	send(`{"cmd":"quit"}`)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v; stderr: %s", err, stderr.String())
	}
}

// limited keeps the first 8 KB written to it.
type limited struct{ b []byte }

func (l *limited) Write(p []byte) (int, error) {
	if n := 8192 - len(l.b); n > 0 {
		l.b = append(l.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}
func (l *limited) String() string { return string(l.b) }
