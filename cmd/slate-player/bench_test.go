package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// BenchmarkPlayback1080p3Layers runs slate-player (no audio, 1/2 scale) on a 1080p30
// timeline of three stacked 10 s layers (the upper two in screen blend, so all three are
// composited), loops it for 30 s and reports frames shown per second and frames dropped;
// then it times seek → frame on screen (the shown event), uncached and cached.
func BenchmarkPlayback1080p3Layers(b *testing.B) {
	if os.Getenv("DISPLAY") == "" {
		b.Skip("needs a display: run under xvfb-run -a")
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "slate-player")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v %s", err, out)
	}
	path := filepath.Join(dir, "bench.slate")
	p, err := project.Create(path, timeline.Settings{Rate: rt.Rate30, Width: 1920, Height: 1080, SampleRate: 48000})
	if err != nil {
		b.Fatal(err)
	}
	for i, pattern := range []string{"testsrc2", "smptebars", "mandelbrot"} {
		clip := filepath.Join(dir, fmt.Sprintf("layer%d.mp4", i))
		out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", pattern+"=size=1920x1080:rate=30",
			"-t", "10", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", clip).CombinedOutput()
		if err != nil {
			b.Fatalf("ffmpeg: %v %s", err, out)
		}
		if err := p.Apply(&edit.AddTrack{Kind: timeline.Video}); err != nil {
			b.Fatal(err)
		}
		m, err := mediaset.Describe(context.Background(), clip)
		if err != nil {
			b.Fatal(err)
		}
		id, err := p.AddMedia(m)
		if err != nil {
			b.Fatal(err)
		}
		spec := edit.ClipSpec{Media: id, Dur: 300, SourceDur: 300}
		if i > 0 {
			spec.Blend = "screen"
		}
		if err := p.Apply(&edit.Append{Track: p.Timeline().Tracks[i].ID, Clip: spec}); err != nil {
			b.Fatal(err)
		}
	}
	p.Close()

	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(bin, "--no-audio", "--scale", "0.5", path)
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		events := make(chan event, 4096)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				var e event
				if json.Unmarshal(sc.Bytes(), &e) == nil {
					e.at = time.Now()
					events <- e
				}
			}
			close(events)
		}()
		var raw struct {
			Dropped, Shown int64
		}
		wait := func(name string, frame int64) event {
			timer := time.After(60 * time.Second)
			for {
				select {
				case e, ok := <-events:
					if !ok {
						b.Fatalf("player exited waiting for %s", name)
					}
					if e.Event == name && (frame < 0 || (e.Frame != nil && *e.Frame == frame)) {
						return e
					}
				case <-timer:
					b.Fatalf("no %s event", name)
				}
			}
		}
		send := func(s string) { io.WriteString(stdin, s+"\n") }
		wait("ready", -1)
		wait("shown", 0) // the first frame is up: decoders are open
		send(`{"cmd":"loop","in":0,"out":300}`)
		send(`{"cmd":"play"}`)
		time.Sleep(30 * time.Second)
		send(`{"cmd":"pause"}`)
		// seek far from anything decoded, then back to a frame the cache holds
		var uncached, cached time.Duration
		for i, f := range []int64{150, 250, 50, 150, 250, 50} {
			drain(events)
			t0 := time.Now()
			send(fmt.Sprintf(`{"cmd":"seek","frame":%d}`, f))
			e := wait("shown", f)
			if i < 3 {
				uncached += e.at.Sub(t0)
			} else {
				cached += e.at.Sub(t0)
			}
		}
		send(`{"cmd":"quit"}`)
		q := wait("quit", -1)
		raw.Dropped, raw.Shown = *q.Dropped, *q.ShownN
		wg.Wait()
		cmd.Wait()
		b.ReportMetric(float64(raw.Shown)/30, "shown_frames/s")
		b.ReportMetric(float64(raw.Dropped), "dropped/30s")
		b.ReportMetric(float64(uncached.Milliseconds())/3, "seek_uncached_ms")
		b.ReportMetric(float64(cached.Milliseconds())/3, "seek_cached_ms")
	}
}

func drain(c chan event) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}
