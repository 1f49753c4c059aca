package assets

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Derived media (thumbnails, filmstrips, waveforms, proxies) live in a cache folder the
// caller names (a project uses NAME.slate-media/cache). Names come from the media's identity
// (Info.Hash when set, else the path and QuickKey) and the parameters, so a changed file gets
// new entries and an unchanged one is never computed twice. Each is written under a
// temporary name and renamed into place, so a cancelled or failed run leaves nothing behind
// and a reader never sees half a file.

// cachePath is the final path of one derived item.
func cachePath(in *Info, cacheDir, what, ext string) (string, error) {
	id := in.Hash
	if id == "" {
		abs, err := filepath.Abs(in.Path)
		if err != nil {
			return "", err
		}
		src := in.Path
		if in.Kind == Sequence {
			src = SequenceFrame(in.Path, in.SequenceStart)
		}
		q, err := QuickKey(src)
		if err != nil {
			return "", err
		}
		id = abs + "\x00" + q + "\x00" + strconv.Itoa(in.SequenceCount)
	}
	sum := sha256.Sum256([]byte(id + "\x00" + what))
	return filepath.Join(cacheDir, hex.EncodeToString(sum[:12])+"-"+what+ext), nil
}

// fresh reports whether a cached item exists.
func fresh(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Size() > 0
}

// tempFor names a temporary file beside final, in the same folder so the rename is atomic.
func tempFor(final string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return "", fmt.Errorf("cache folder: %w", err)
	}
	var b [6]byte
	rand.Read(b[:])
	return final + ".part-" + hex.EncodeToString(b[:]), nil
}

// commit renames tmp to final, or removes tmp when err is set.
func commit(tmp, final string, err error) error {
	if err == nil {
		if st, serr := os.Stat(tmp); serr != nil || st.Size() == 0 {
			err = errors.New("ffmpeg wrote nothing")
		}
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// inputArgs are the ffmpeg input options and -i for in, starting at second `at` (video),
// frame offset `at`×rate (sequences) or ignored (stills).
func inputArgs(in *Info, at float64) []string {
	switch in.Kind {
	case Sequence:
		n := in.SequenceStart
		if at > 0 {
			n += int(at * in.Rate.Float())
		}
		return []string{"-f", "image2", "-start_number", strconv.Itoa(n), "-framerate", in.Rate.String(), "-i", absPath(in.Path)}
	case Image:
		return []string{"-i", absPath(in.Path)}
	}
	var a []string
	if at > 0 {
		a = append(a, "-ss", strconv.FormatFloat(at, 'f', 6, 64))
	}
	return append(a, "-i", absPath(in.Path))
}

// absPath keeps a relative path from reading as an option.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// scaleTo scales to height h keeping the displayed aspect (non-square pixels made square).
func scaleTo(h int) string {
	return fmt.Sprintf("scale=w='max(2,trunc(iw*sar*%d/ih))':h=%d,setsar=1", h, h)
}

func needPicture(in *Info, what string) error {
	if !in.HasVideo {
		return fileErr(in.Path, []error{ErrNoVideo}, "has no picture to make a %s from", what)
	}
	return nil
}

// Thumbnail is a PNG of in's poster frame, height pixels high: the frame 10% in for video and
// sequences, the picture itself for stills. It returns the cached file's path.
func Thumbnail(ctx context.Context, in *Info, cacheDir string, height int) (string, error) {
	if height <= 0 || height > 4320 {
		return "", fmt.Errorf("%s: thumbnail height %d: want 1 to 4320", in.Path, height)
	}
	if err := needPicture(in, "thumbnail"); err != nil {
		return "", err
	}
	final, err := cachePath(in, cacheDir, fmt.Sprintf("thumb-h%d", height), ".png")
	if err != nil || fresh(final) {
		return final, err
	}
	tmp, err := tempFor(final)
	if err != nil {
		return "", err
	}
	run := func(at float64) error {
		args := append(inputArgs(in, at), "-map", "0:v:0", "-frames:v", "1", "-vf", scaleTo(height), "-c:v", "png", "-f", "image2", tmp)
		return runFFmpeg(ctx, args...)
	}
	at := in.Seconds * 0.1
	err = run(at)
	if (err != nil || !fresh(tmp)) && at > 0 && ctx.Err() == nil {
		err = run(0) // a seek past the last decodable frame: fall back to the first
	}
	if err = commit(tmp, final, err); err != nil {
		return "", fmt.Errorf("%s: thumbnail: %w", in.Path, err)
	}
	return final, nil
}

// Filmstrip is one PNG strip of `frames` pictures side by side, evenly spaced in time over
// the media, each height pixels high. It decodes the whole file (ffmpeg select + tile), so
// callers run it in the background.
func Filmstrip(ctx context.Context, in *Info, cacheDir string, frames, height int) (string, error) {
	if frames < 1 || frames > 200 {
		return "", fmt.Errorf("%s: filmstrip of %d frames: want 1 to 200", in.Path, frames)
	}
	if height <= 0 || height > 2160 {
		return "", fmt.Errorf("%s: filmstrip height %d: want 1 to 2160", in.Path, height)
	}
	if err := needPicture(in, "filmstrip"); err != nil {
		return "", err
	}
	final, err := cachePath(in, cacheDir, fmt.Sprintf("strip-%dx%d", frames, height), ".png")
	if err != nil || fresh(final) {
		return final, err
	}
	tmp, err := tempFor(final)
	if err != nil {
		return "", err
	}
	var args []string
	secs := in.Seconds
	if in.Kind == Image {
		// A still: the same picture in every cell, so strips of one size line up.
		secs = 1
		args = []string{"-loop", "1", "-framerate", strconv.Itoa(frames), "-t", "1", "-i", absPath(in.Path)}
	} else {
		args = inputArgs(in, 0)
	}
	step := secs / float64(frames)
	if step <= 0 {
		step = 1
	}
	// Take the first frame at or after each multiple of step: even in time, VFR included.
	sel := fmt.Sprintf(`select='if(gte(t\,ld(0))\,st(0\,ld(0)+%g)\,0)'`, step)
	vf := fmt.Sprintf("setpts=PTS-STARTPTS,%s,%s,tile=%dx1", sel, scaleTo(height), frames)
	args = append(args, "-map", "0:v:0", "-vf", vf, "-frames:v", "1", "-fps_mode", "passthrough", "-c:v", "png", "-f", "image2", tmp)
	err = runFFmpeg(ctx, args...)
	if err = commit(tmp, final, err); err != nil {
		return "", fmt.Errorf("%s: filmstrip: %w", in.Path, err)
	}
	return final, nil
}

// WaveRate is the sample rate audio is decoded at for waveforms: enough for peaks to show
// speech and music at any zoom an editor uses, cheap to decode.
const WaveRate = 8000

// Peaks is an audio waveform: per bucket of 1/PerSecond s, the lowest and highest sample
// of the mono mix, in -1..1.
type Peaks struct {
	PerSecond int
	Min, Max  []float32
}

const peaksMagic = "SLPK1\n"

// Waveform decodes in's first audio stream to mono 16-bit at WaveRate and returns its
// min/max peaks, perSecond buckets a second. The result is cached as a small binary file
// (header, then int16 min/max pairs).
func Waveform(ctx context.Context, in *Info, cacheDir string, perSecond int) (*Peaks, error) {
	if perSecond < 1 || perSecond > WaveRate {
		return nil, fmt.Errorf("%s: waveform at %d peaks a second: want 1 to %d", in.Path, perSecond, WaveRate)
	}
	if !in.HasAudio {
		return nil, fileErr(in.Path, []error{ErrNoAudio}, "has no audio to draw a waveform from")
	}
	final, err := cachePath(in, cacheDir, fmt.Sprintf("wave-%d", perSecond), ".peaks")
	if err != nil {
		return nil, err
	}
	if p, err := readPeaks(final); err == nil && p.PerSecond == perSecond {
		return p, nil
	}
	ffmpeg, err := FFmpeg()
	if err != nil {
		return nil, err
	}
	args := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error"}, inputArgs(in, 0)...)
	args = append(args, "-map", "0:a:0", "-ac", "1", "-ar", strconv.Itoa(WaveRate), "-c:a", "pcm_s16le", "-f", "s16le", "pipe:1")
	cmd := command(ctx, ffmpeg, args...)
	var errb tail
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Peaks{PerSecond: perSecond}
	readErr := p.fill(bufio.NewReaderSize(out, 1<<16))
	werr := cmd.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if werr != nil || readErr != nil {
		msg := errb.last()
		if msg == "" && werr != nil {
			msg = werr.Error()
		} else if msg == "" {
			msg = readErr.Error()
		}
		return nil, fmt.Errorf("%s: waveform: ffmpeg: %s", in.Path, msg)
	}
	if err := writePeaks(final, p); err != nil {
		return nil, fmt.Errorf("%s: waveform cache: %w", in.Path, err)
	}
	return p, nil
}

// fill reads s16le samples into buckets: sample s lands in bucket s×PerSecond/WaveRate.
func (p *Peaks) fill(r io.Reader) error {
	var buf [8192]byte
	var s int64
	cur := int64(-1)
	var lo, hi int16
	flush := func() {
		if cur >= 0 {
			p.Min = append(p.Min, float32(lo)/32768)
			p.Max = append(p.Max, float32(hi)/32768)
		}
	}
	carry := 0
	for {
		n, err := r.Read(buf[carry:])
		n += carry
		even := n &^ 1
		for i := 0; i < even; i += 2 {
			v := int16(binary.LittleEndian.Uint16(buf[i:]))
			b := s * int64(p.PerSecond) / WaveRate
			if b != cur {
				flush()
				cur, lo, hi = b, v, v
			}
			lo, hi = min(lo, v), max(hi, v)
			s++
		}
		carry = n - even
		if carry > 0 {
			buf[0] = buf[even]
		}
		if err == io.EOF {
			flush()
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func writePeaks(final string, p *Peaks) error {
	tmp, err := tempFor(final)
	if err != nil {
		return err
	}
	b := make([]byte, 0, len(peaksMagic)+8+4*len(p.Min))
	b = append(b, peaksMagic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(p.PerSecond))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(p.Min)))
	for i := range p.Min {
		b = binary.LittleEndian.AppendUint16(b, uint16(toS16(p.Min[i])))
		b = binary.LittleEndian.AppendUint16(b, uint16(toS16(p.Max[i])))
	}
	err = os.WriteFile(tmp, b, 0o644)
	return commit(tmp, final, err)
}

func toS16(f float32) int16 {
	return int16(max(-32768, min(32767, math.Round(float64(f)*32768))))
}

func readPeaks(path string) (*Peaks, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < len(peaksMagic)+8 || string(b[:len(peaksMagic)]) != peaksMagic {
		return nil, errors.New("not a peaks file")
	}
	b = b[len(peaksMagic):]
	pps := int(binary.LittleEndian.Uint32(b))
	n := int(binary.LittleEndian.Uint32(b[4:]))
	b = b[8:]
	if len(b) != 4*n {
		return nil, errors.New("peaks file has the wrong length")
	}
	p := &Peaks{PerSecond: pps, Min: make([]float32, n), Max: make([]float32, n)}
	for i := 0; i < n; i++ {
		p.Min[i] = float32(int16(binary.LittleEndian.Uint16(b[4*i:]))) / 32768
		p.Max[i] = float32(int16(binary.LittleEndian.Uint16(b[4*i+2:]))) / 32768
	}
	return p, nil
}

// Proxy limits.
const (
	ProxyMaxWidth  = 960
	ProxyMaxHeight = 540
)

// Proxy makes a preview copy of a video or image sequence: at most 960×540 (aspect kept,
// never enlarged), every frame a keyframe (H.264 ultrafast, -g 1) so any frame decodes at
// once, audio kept (AAC). progress, when not nil, is called with seconds done and in total.
// Cancelling ctx kills ffmpeg and removes the partial file. Export never uses proxies.
func Proxy(ctx context.Context, in *Info, cacheDir string, progress func(done, total float64)) (string, error) {
	if err := needPicture(in, "proxy"); err != nil {
		return "", err
	}
	if in.Kind == Image {
		return "", fmt.Errorf("%s: a still needs no proxy", in.Path)
	}
	final, err := cachePath(in, cacheDir, fmt.Sprintf("proxy-%dx%d", ProxyMaxWidth, ProxyMaxHeight), ".mp4")
	if err != nil || fresh(final) {
		return final, err
	}
	tmp, err := tempFor(final)
	if err != nil {
		return "", err
	}
	ffmpeg, err := FFmpeg()
	if err != nil {
		return "", err
	}
	vf := fmt.Sprintf("scale=w='min(%d,iw*sar)':h='min(%d,ih)':force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1,format=yuv420p",
		ProxyMaxWidth, ProxyMaxHeight)
	args := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, inputArgs(in, 0)...)
	args = append(args, "-map", "0:v:0", "-vf", vf, "-c:v", "libx264", "-preset", "ultrafast", "-g", "1", "-crf", "20")
	if in.HasAudio {
		args = append(args, "-map", "0:a:0", "-c:a", "aac", "-b:a", "160k")
	}
	args = append(args, "-movflags", "+faststart", "-progress", "pipe:1", "-nostats", "-f", "mp4", tmp)
	cmd := command(ctx, ffmpeg, args...)
	var errb tail
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		if k == "out_time_us" && progress != nil {
			if us, err := strconv.ParseInt(v, 10, 64); err == nil && us >= 0 {
				progress(min(float64(us)/1e6, in.Seconds), in.Seconds)
			}
		}
	}
	err = cmd.Wait()
	if ctx.Err() != nil {
		os.Remove(tmp)
		return "", ctx.Err()
	}
	if err != nil {
		if msg := errb.last(); msg != "" {
			err = errors.New("ffmpeg: " + msg)
		}
	}
	if err = commit(tmp, final, err); err != nil {
		return "", fmt.Errorf("%s: proxy: %w", in.Path, err)
	}
	if progress != nil {
		progress(in.Seconds, in.Seconds)
	}
	return final, nil
}
