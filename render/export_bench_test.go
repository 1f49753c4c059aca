package render_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// The MLT cross-check timeline of research/nle.md: A = 3 s, a 1 s dissolve, then B = 3 s
// with a keyframed shrink to half size over 49 frames; 125 frames of 1080p at 25 fps.
const crossCheckMLT = `<mlt LC_NUMERIC="C" producer="main">
  <profile width="1920" height="1080" progressive="1" sample_aspect_num="1" sample_aspect_den="1"
           display_aspect_num="16" display_aspect_den="9" frame_rate_num="25" frame_rate_den="1" colorspace="709"/>
  <producer id="A" in="0" out="74"><property name="resource">%[1]s</property></producer>
  <producer id="B" in="0" out="74"><property name="resource">%[2]s</property></producer>
  <tractor id="xfade" in="0" out="24">
    <track producer="A" in="50" out="74"/>
    <track producer="B" in="0" out="24"/>
    <transition in="0" out="24"><property name="a_track">0</property><property name="b_track">1</property>
      <property name="mlt_service">luma</property></transition>
    <transition in="0" out="24"><property name="a_track">0</property><property name="b_track">1</property>
      <property name="mlt_service">mix</property><property name="start">-1</property></transition>
  </tractor>
  <playlist id="V1">
    <entry producer="A" in="0" out="49"/>
    <entry producer="xfade" in="0" out="24"/>
    <entry producer="B" in="25" out="74">
      <filter in="25" out="74">
        <property name="mlt_service">affine</property>
        <property name="transition.repeat_off">1</property>
        <property name="transition.mirror_off">1</property>
        <property name="transition.rect">00:00:00.000=0 0 1920 1080 1;00:00:01.960=480 270 960 540 1</property>
      </filter>
    </entry>
  </playlist>
  <tractor id="main" in="0" out="124"><track producer="V1"/></tractor>
</mlt>
`

// makeFootage writes a 1080p, 25 fps H.264 file of a lavfi picture with a sine, secs long.
func makeFootage(b *testing.B, path, picture string, freq int, secs int) {
	b.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", fmt.Sprintf("%s=s=1920x1080:r=25:d=%d", picture, secs),
		"-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=%d:sample_rate=48000:duration=%d", freq, secs),
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path).CombinedOutput()
	if err != nil {
		b.Fatalf("making %s: %v\n%s", path, err, out)
	}
}

// crossCheck rebuilds the MLT timeline in Slate: A (frames 0..74) cuts at 75 to B (from its
// frame 25) with a 25-frame dissolve ending at the cut (B's head handle, as MLT's xfade
// tractor plays B 0..24), B shrinking about its centre from 100 % to 50 % over local frames
// 0..49; the same clips and crossfade on A1 when sound is true.
func crossCheck(b *testing.B, dir string, sound bool) (*builder, string, string) {
	a, c := filepath.Join(dir, "a.mp4"), filepath.Join(dir, "b.mp4")
	if _, err := os.Stat(a); err != nil {
		makeFootage(b, a, "testsrc2", 440, 3)
		makeFootage(b, c, "smptehdbars", 660, 3)
	}
	bl := newBuilder(b, 1920, 1080)
	med := func(p string) timeline.ID {
		return bl.addMedia(render.Media{Name: filepath.Base(p), Path: p, Kind: "video", Rate: rt.Rate{Num: 25, Den: 1}, Width: 1920, Height: 1080, HasAudio: true})
	}
	ma, mb := med(a), med(c)
	tracks := []timeline.ID{bl.track(0, timeline.Video)}
	if sound {
		tracks = append(tracks, bl.track(0, timeline.Audio))
	}
	for i, tr := range tracks {
		var opts []func(*timeline.Clip)
		if i == 0 {
			opts = append(opts, param("scale", 0, 1, 49, 0.5))
		}
		x := bl.clip(tr, media(ma), 0, 75, 0)
		y := bl.clip(tr, media(mb), 75, 50, 25, opts...)
		transition(bl, timeline.Dissolve, x, y, 25, func(t *timeline.Transition) { t.Align = timeline.AlignEnd })
	}
	return bl, a, c
}

// BenchmarkExportCrossCheckVsMelt exports the cross-check timeline with x264 veryfast CRF 20
// and AAC, and renders the same MLT XML with melt and the same settings (2 threads, no frame
// dropping), reporting Slate's time over melt's (goal: under 0.4).
func BenchmarkExportCrossCheckVsMelt(b *testing.B) {
	needFFmpeg(b)
	dir := b.TempDir()
	bl, a, c := crossCheck(b, dir, true)
	melt, meltErr := exec.LookPath("melt")
	xml := filepath.Join(dir, "crosscheck.mlt")
	if err := os.WriteFile(xml, []byte(fmt.Sprintf(crossCheckMLT, a, c)), 0o644); err != nil {
		b.Fatal(err)
	}
	var slate, peer time.Duration
	var slateCPU time.Duration
	for i := 0; i < b.N; i++ {
		out := filepath.Join(dir, "slate.mp4")
		t0, c0 := time.Now(), cpuTime()
		if err := render.Export(context.Background(), bl.tl, bl.media, render.ExportOptions{Path: out, Preset: "h264"}); err != nil {
			b.Fatal(err)
		}
		slate += time.Since(t0)
		slateCPU += cpuTime() - c0
		if meltErr != nil {
			continue
		}
		t0 = time.Now()
		cmd := exec.Command(melt, xml, "-quiet", "-consumer", "avformat:"+filepath.Join(dir, "melt.mp4"),
			"vcodec=libx264", "preset=veryfast", "crf=20", "pix_fmt=yuv420p", "acodec=aac", "ab=192k", "real_time=-2")
		cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("melt: %v\n%s", err, out)
		}
		peer += time.Since(t0)
	}
	n := float64(b.N)
	b.ReportMetric(slate.Seconds()/n, "slate-s")
	b.ReportMetric(125*n/slate.Seconds(), "slate-frames/s")
	b.ReportMetric(slateCPU.Seconds()/n, "slate-cpu-s") // this process only, not ffmpeg's
	if meltErr != nil {
		b.Log("melt is not installed (Debian package melt): the Slate/melt ratio is skipped")
		return
	}
	b.ReportMetric(peer.Seconds()/n, "melt-s")
	b.ReportMetric(slate.Seconds()/peer.Seconds(), "slate/melt")
}

// BenchmarkExportVsEncodeOnly compares the export of the cross-check timeline (picture only)
// with ffmpeg encoding the very same frames from a raw file with the same x264 settings: the
// bound an export cannot beat. Reported: export frames/s over encode-only frames/s (goal at
// least 0.8).
func BenchmarkExportVsEncodeOnly(b *testing.B) {
	needFFmpeg(b)
	dir := b.TempDir()
	bl, _, _ := crossCheck(b, dir, false)
	// The frames the export will encode, rendered once up front into a raw file.
	raw := filepath.Join(dir, "frames.rgba")
	{
		r, err := render.NewRenderer(bl.tl, bl.media, render.RendererOptions{})
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Create(raw)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<22)
		for n := rt.Time(0); n < 125; n++ {
			img, err := r.Frame(context.Background(), n)
			if err != nil {
				b.Fatal(err)
			}
			w.Write(img.Pix)
		}
		w.Flush()
		f.Close()
		r.Close()
	}
	preset, err := render.LookupPreset("h264")
	if err != nil {
		b.Fatal(err)
	}
	var export, encode time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := render.Export(context.Background(), bl.tl, bl.media, render.ExportOptions{Path: filepath.Join(dir, "slate.mp4")}); err != nil {
			b.Fatal(err)
		}
		export += time.Since(t0)
		args := []string{"-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", "1920x1080", "-framerate", "25", "-i", raw}
		args = append(append(args, preset.VideoArgs...), filepath.Join(dir, "bound.mp4"))
		t0 = time.Now()
		if out, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
			b.Fatalf("ffmpeg: %v\n%s", err, out)
		}
		encode += time.Since(t0)
	}
	n := float64(b.N)
	b.ReportMetric(125*n/export.Seconds(), "export-frames/s")
	b.ReportMetric(125*n/encode.Seconds(), "encode-only-frames/s")
	b.ReportMetric(encode.Seconds()/export.Seconds(), "export/bound")
}

// BenchmarkExportLongPeakMemory exports 2 minutes of 1080p (3000 frames: four 30-second
// clips with dissolves and a moving picture-in-picture) and reports this process's peak
// resident memory while doing it. It takes several minutes, so it runs only with
// SLATE_BENCH_LONG=1.
func BenchmarkExportLongPeakMemory(b *testing.B) {
	if os.Getenv("SLATE_BENCH_LONG") != "1" {
		b.Skip("set SLATE_BENCH_LONG=1 to export 2 minutes of 1080p (several minutes)")
	}
	needFFmpeg(b)
	dir := b.TempDir()
	src := []string{filepath.Join(dir, "a.mp4"), filepath.Join(dir, "b.mp4")}
	makeFootage(b, src[0], "testsrc2", 440, 40)
	makeFootage(b, src[1], "smptehdbars", 660, 40)
	bl := newBuilder(b, 1920, 1080)
	var ids []timeline.ID
	for _, p := range src {
		ids = append(ids, bl.addMedia(render.Media{Path: p, Kind: "video", Rate: rt.Rate{Num: 25, Den: 1}, Width: 1920, Height: 1080, HasAudio: true}))
	}
	v1, v2, a1 := bl.track(0, timeline.Video), bl.track(0, timeline.Video), bl.track(0, timeline.Audio)
	for _, tr := range []timeline.ID{v1, a1} {
		var prev *timeline.Clip
		for k := 0; k < 4; k++ {
			c := bl.clip(tr, media(ids[k%2]), rt.Time(750*k), 750, 50)
			if prev != nil {
				transition(bl, timeline.Dissolve, prev, c, 25)
			}
			prev = c
		}
	}
	bl.clip(v2, media(ids[1]), 0, 3000, 0, param("scale", 0.3), param("position.x", 0, -600, 2999, 600))
	for i := 0; i < b.N; i++ {
		resetPeak()
		runtime.GC()
		t0 := time.Now()
		if err := render.Export(context.Background(), bl.tl, bl.media, render.ExportOptions{Path: filepath.Join(dir, "long.mp4")}); err != nil {
			b.Fatal(err)
		}
		el := time.Since(t0)
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak-MiB")
		b.ReportMetric(3000/el.Seconds(), "frames/s")
	}
}

// resetPeak clears the kernel's high-water mark of this process's resident memory.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is VmHWM from /proc/self/status, in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return -1
}
