package local

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/slate-nle/slate/render/gen"
)

// run performs one request, writing its outputs into dir.
func run(ctx context.Context, b *Backend, r gen.Request, dir string, progress func(float64)) ([]gen.Output, error) {
	switch r.Op {
	case gen.TextToVideo:
		return textToVideo(ctx, r, dir, progress)
	case gen.TextToImage:
		return textToImage(ctx, r, dir)
	case gen.ImageToVideo:
		return imageToVideo(ctx, r, dir, progress)
	case gen.Keyframes:
		return keyframes(ctx, r, dir, progress)
	case gen.Restyle:
		return restyle(ctx, r, dir, progress)
	case gen.BGRemove:
		return bgremove(ctx, r, dir, progress)
	case gen.Inpaint:
		return inpaint(ctx, r, dir, progress)
	case gen.Extend:
		return extend(ctx, r, dir, progress)
	case gen.Upscale:
		return upscale(ctx, r, dir, progress)
	case gen.Speech:
		return speech(ctx, r, dir)
	}
	return nil, fmt.Errorf("local: %s is not supported", r.Op)
}

func input(r gen.Request, roles ...string) (string, string, error) {
	for _, role := range roles {
		if in, ok := r.Input(role); ok {
			return in.Path, role, nil
		}
	}
	return "", "", fmt.Errorf("%s needs an input: %s", r.Op, strings.Join(roles, " or "))
}

func (m move) fromRequest(r gen.Request) move {
	return move{cam: r.Camera, seed: r.Seed, frames: r.Frames, fps: r.FPS.Float(), w: r.Width, h: r.Height}
}

func textToVideo(ctx context.Context, r gen.Request, dir string, progress func(float64)) ([]gen.Output, error) {
	m := move{}.fromRequest(r)
	// Draw the card just large enough for the closest frame of the move.
	cw, ch := m.workingSize(r.Width*4, r.Height*4)
	refs, err := loadRefs(ctx, r, ch)
	if err != nil {
		return nil, err
	}
	card, err := drawCard(r, cw, ch, refs)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "animatic.mp4")
	err = encodeFrames(ctx, out, r.Width, r.Height, r, func(w io.Writer) error { return m.render(ctx, card, w, progress) })
	if err != nil {
		return nil, err
	}
	return []gen.Output{{Path: out, Kind: "video"}}, nil
}

func textToImage(ctx context.Context, r gen.Request, dir string) ([]gen.Output, error) {
	refs, err := loadRefs(ctx, r, r.Height)
	if err != nil {
		return nil, err
	}
	card, err := drawCard(r, r.Width, r.Height, refs)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "card.png")
	img := &image.NRGBA{Pix: card.pix, Stride: card.w * 4, Rect: image.Rect(0, 0, card.w, card.h)}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return []gen.Output{{Path: out, Kind: "image"}}, nil
}

// loadRefs reads the continuity references as thumbnails a fifth of the card's height, so
// the animatic shows who and where the shot is about.
func loadRefs(ctx context.Context, r gen.Request, cardH int) ([]refThumb, error) {
	var out []refThumb
	th := max(8, cardH/5/2*2)
	for _, in := range r.Inputs {
		if in.Role != gen.RoleReference {
			continue
		}
		info, err := probe(ctx, in.Path)
		if err != nil {
			return nil, fmt.Errorf("reference %s: %w", in.Tag, err)
		}
		if !info.Video || info.Height <= 0 {
			return nil, fmt.Errorf("reference %s: %s is not an image", in.Tag, in.Path)
		}
		tw := max(2, th*info.Width/info.Height/2*2)
		pic, err := loadPicture(ctx, in.Path, tw, th)
		if err != nil {
			return nil, fmt.Errorf("reference %s: %w", in.Tag, err)
		}
		out = append(out, refThumb{pic: pic, label: in.Tag})
	}
	return out, nil
}

func imageToVideo(ctx context.Context, r gen.Request, dir string, progress func(float64)) ([]gen.Output, error) {
	src, _, err := input(r, gen.RoleImage)
	if err != nil {
		return nil, err
	}
	info, err := probe(ctx, src)
	if err != nil {
		return nil, err
	}
	if !info.Video || info.Width <= 0 {
		return nil, fmt.Errorf("%s has no picture", src)
	}
	m := move{}.fromRequest(r)
	ww, wh := m.workingSize(info.Width, info.Height)
	pic, err := loadPicture(ctx, src, ww, wh)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "move.mp4")
	err = encodeFrames(ctx, out, r.Width, r.Height, r, func(w io.Writer) error { return m.render(ctx, pic, w, progress) })
	if err != nil {
		return nil, err
	}
	return []gen.Output{{Path: out, Kind: "video"}}, nil
}

// cover scales and crops a picture to exactly w×h.
func cover(w, h int) string {
	return fmt.Sprintf("scale=%d:%d:force_original_aspect_ratio=increase:flags=lanczos,crop=%d:%d,setsar=1", w, h, w, h)
}

// keyframes morphs from the first image to the last with motion-compensated interpolation:
// the sequence A, A, B, B is interpolated (minterpolate, bidirectional motion estimation
// with overlapped-block compensation) and the A→B span is kept, so the last frame is B.
func keyframes(ctx context.Context, r gen.Request, dir string, progress func(float64)) ([]gen.Output, error) {
	first, _, err := input(r, gen.RoleImage)
	if err != nil {
		return nil, err
	}
	last, _, err := input(r, gen.RoleEndImage)
	if err != nil {
		return nil, err
	}
	if r.Frames < 2 {
		return nil, fmt.Errorf("keyframes need at least 2 frames")
	}
	seq := filepath.Join(dir, "seq")
	if err := os.MkdirAll(seq, 0o755); err != nil {
		return nil, err
	}
	for i, src := range []string{first, first, last, last} {
		if _, err := probe(ctx, src); err != nil {
			return nil, err
		}
		args := []string{"-i", src, "-frames:v", "1", "-vf", cover(r.Width, r.Height), filepath.Join(seq, fmt.Sprintf("k%d.png", i+1))}
		if err := ffmpeg(ctx, args, 0, nil, nil); err != nil {
			return nil, err
		}
	}
	n := r.Frames
	inRate := fmt.Sprintf("%d/%d", r.FPS.Num, r.FPS.Den*(n-1))
	vf := fmt.Sprintf("minterpolate=fps=%s:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1:scd=none:search_param=64,"+
		"trim=start_frame=%d:end_frame=%d,setpts=PTS-STARTPTS", r.FPS, n-1, 2*n-1)
	out := filepath.Join(dir, "morph.mp4")
	args := append([]string{"-framerate", inRate, "-i", filepath.Join(seq, "k%d.png"), "-vf", vf, "-r", r.FPS.String()}, encodeArgs(r.Tier)...)
	args = append(args, out)
	if err := ffmpeg(ctx, args, 2*n, progress, nil); err != nil {
		return nil, err
	}
	os.RemoveAll(seq)
	return []gen.Output{{Path: out, Kind: "video"}}, nil
}

// filterPath quotes a file path for use as a filter option value.
func filterPath(p string) string {
	// Two levels: the option parser (escape \ : ') then the graph parser (quote).
	e := strings.NewReplacer(`\`, `\\`, `:`, `\:`, `'`, `\'`).Replace(p)
	return "'" + strings.ReplaceAll(e, "'", `'\''`) + "'"
}

// lookFilter is the filter chain of a named look; the seed drives its grain.
func lookFilter(look string, seed int64, lut string) (string, error) {
	s := strconv.FormatInt(seed&0x7fffffff, 10)
	switch look {
	case "noir":
		return "hue=s=0,eq=contrast=1.35:brightness=-0.03:gamma=0.9,vignette=angle=PI/4", nil
	case "teal-orange":
		return "colorbalance=rs=-0.15:gs=-0.03:bs=0.2:rm=0.05:bm=-0.05:rh=0.22:gh=0.06:bh=-0.22,eq=saturation=1.15:contrast=1.08", nil
	case "bleach-bypass":
		return "format=gbrp,split[bb_a][bb_b];[bb_b]colorchannelmixer=.3:.59:.11:0:.3:.59:.11:0:.3:.59:.11[bb_g];" +
			"[bb_a][bb_g]blend=all_mode=overlay:all_opacity=0.7,eq=saturation=0.55:contrast=1.2", nil
	case "sepia":
		return "colorchannelmixer=.393:.769:.189:0:.349:.686:.168:0:.272:.534:.131", nil
	case "toon":
		return "format=gbrp,split[tn_a][tn_b];[tn_b]format=gray,edgedetect=low=0.1:high=0.3,negate,format=gbrp[tn_e];" +
			"[tn_a]lutrgb=r='floor(val/64)*64+32':g='floor(val/64)*64+32':b='floor(val/64)*64+32'[tn_p];" +
			"[tn_p][tn_e]blend=all_mode=multiply", nil
	case "film-grain":
		return "noise=alls=14:allf=t+u:all_seed=" + s + ",eq=contrast=1.05:saturation=0.9,vignette=angle=PI/5", nil
	case "vhs":
		return "avgblur=sizeX=3:sizeY=1,rgbashift=rh=-4:bh=4,noise=alls=10:allf=t:all_seed=" + s +
			",eq=saturation=1.35:contrast=0.9:brightness=0.03,drawgrid=w=iw:h=4:t=1:c=black@0.25", nil
	case "lut":
		if lut == "" {
			return "", fmt.Errorf("look lut needs --lut FILE.cube")
		}
		return "lut3d=file=" + filterPath(lut) + ":interp=tetrahedral", nil
	}
	return "", fmt.Errorf("unknown look %q (looks: %s)", look, strings.Join(Looks, ", "))
}

// mediaIn probes the main input of an operation on a video or a still.
func mediaIn(ctx context.Context, r gen.Request) (string, media, error) {
	src, role, err := input(r, gen.RoleVideo, gen.RoleImage)
	if err != nil {
		return "", media{}, err
	}
	info, err := probe(ctx, src)
	if err != nil {
		return "", media{}, err
	}
	if !info.Video {
		return "", media{}, fmt.Errorf("%s has no picture", src)
	}
	if role == gen.RoleImage {
		info.Image = true
	}
	if !info.Image && info.Frames <= 0 {
		return "", media{}, fmt.Errorf("%s: unknown length", src)
	}
	return src, info, nil
}

// filterOne runs a filter graph over the main input: a still gives a PNG, a video an MP4
// keeping its audio.
func filterOne(ctx context.Context, r gen.Request, dir, name, graph string, extra []string, progress func(float64)) ([]gen.Output, error) {
	src, info, err := mediaIn(ctx, r)
	if err != nil {
		return nil, err
	}
	args := append([]string{"-i", src}, extra...)
	args = append(args, "-filter_complex", "[0:v]"+graph+"[out]", "-map", "[out]")
	if info.Image {
		out := filepath.Join(dir, name+".png")
		args = append(args, "-frames:v", "1", "-pix_fmt", "rgb24", out)
		if err := ffmpeg(ctx, args, 0, nil, nil); err != nil {
			return nil, err
		}
		return []gen.Output{{Path: out, Kind: "image"}}, nil
	}
	out := filepath.Join(dir, name+".mp4")
	args = append(args, "-map", "0:a?", "-c:a", "aac")
	args = append(args, encodeArgs(r.Tier)...)
	args = append(args, out)
	if err := ffmpeg(ctx, args, info.Frames, progress, nil); err != nil {
		return nil, err
	}
	return []gen.Output{{Path: out, Kind: "video"}}, nil
}

func restyle(ctx context.Context, r gen.Request, dir string, progress func(float64)) ([]gen.Output, error) {
	lut := ""
	if in, ok := r.Input(gen.RoleLUT); ok {
		lut = in.Path
		if err := checkCube(lut); err != nil {
			return nil, err
		}
	}
	look := r.Param("look", "noir")
	if lut != "" && r.Params["look"] == "" {
		look = "lut"
	}
	graph, err := lookFilter(look, r.Seed, lut)
	if err != nil {
		return nil, err
	}
	return filterOne(ctx, r, dir, "restyle-"+look, graph, nil, progress)
}

// checkCube reads a .cube LUT's header so a bad file fails with a clear message.
func checkCube(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("lut: %w", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 2 && f[0] == "LUT_3D_SIZE" {
			if n, err := strconv.Atoi(f[1]); err == nil && n >= 2 && n <= 256 {
				return nil
			}
		}
	}
	return fmt.Errorf("lut %s: not a 3D .cube file (no LUT_3D_SIZE line)", path)
}

// bgremove keys the background out: a chroma key with spill suppression, or a difference
// matte against a clean plate. Stills give an RGBA PNG; videos ProRes 4444 or FFV1 with alpha.
func bgremove(ctx context.Context, r gen.Request, dir string, progress func(float64)) ([]gen.Output, error) {
	src, info, err := mediaIn(ctx, r)
	if err != nil {
		return nil, err
	}
	var graph string
	extra := []string{}
	switch r.Param("method", "chroma") {
	case "chroma":
		key, spill := "0x00FF00", "green"
		if r.Param("key", "green") == "blue" {
			key, spill = "0x0000FF", "blue"
		}
		sim := r.Param("similarity", "0.2")
		graph = fmt.Sprintf("[0:v]chromakey=color=%s:similarity=%s:blend=0.06,format=rgba,despill=type=%s:mix=0.6:expand=0.1[out]", key, sim, spill)
	case "difference":
		plate, ok := r.Input(gen.RolePlate)
		if !ok {
			return nil, fmt.Errorf("a difference matte needs --plate (a clean background frame)")
		}
		if _, err := probe(ctx, plate.Path); err != nil {
			return nil, err
		}
		th, _ := strconv.ParseFloat(r.Param("threshold", "0.12"), 64)
		lo := int(th * 255)
		extra = []string{"-i", plate.Path}
		// Per-pixel RGB difference → luma → a soft ramp above the threshold → alpha.
		graph = fmt.Sprintf("[1:v]%s,format=gbrp[plate];[0:v]format=gbrp,split[a][b];"+
			"[b][plate]blend=all_mode=difference:shortest=0:repeatlast=1,format=gray,"+
			"lut=y='clip((val-%d)*12,0,255)',gblur=sigma=0.7[m];[a][m]alphamerge,format=rgba[out]",
			cover(info.Width, info.Height), lo)
	default:
		return nil, fmt.Errorf("unknown method %q (chroma or difference)", r.Params["method"])
	}
	args := append([]string{"-i", src}, extra...)
	args = append(args, "-filter_complex", graph, "-map", "[out]")
	if info.Image {
		out := filepath.Join(dir, "matte.png")
		args = append(args, "-frames:v", "1", "-pix_fmt", "rgba", out)
		if err := ffmpeg(ctx, args, 0, nil, nil); err != nil {
			return nil, err
		}
		return []gen.Output{{Path: out, Kind: "image", Alpha: true}}, nil
	}
	var out string
	if r.Param("format", "prores") == "ffv1" {
		out = filepath.Join(dir, "matte.mkv")
		args = append(args, "-c:v", "ffv1", "-level", "3", "-pix_fmt", "yuva444p")
	} else {
		out = filepath.Join(dir, "matte.mov")
		args = append(args, "-c:v", "prores_ks", "-profile:v", "4444", "-pix_fmt", "yuva444p10le", "-alpha_bits", "16", "-vendor", "apl0")
	}
	args = append(args, "-map", "0:a?", "-c:a", "pcm_s16le", "-fflags", "+bitexact", out)
	if err := ffmpeg(ctx, args, info.Frames, progress, nil); err != nil {
		return nil, err
	}
	return []gen.Output{{Path: out, Kind: "video", Alpha: true}}, nil
}

// inpaint fills the mask's white region from its surroundings (ffmpeg's removelogo).
func inpaint(ctx context.Context, r gen.Request, dir string, progress func(float64)) ([]gen.Output, error) {
	_, info, err := mediaIn(ctx, r)
	if err != nil {
		return nil, err
	}
	mask, ok := r.Input(gen.RoleMask)
	if !ok {
		return nil, fmt.Errorf("inpaint needs --mask")
	}
	if _, err := probe(ctx, mask.Path); err != nil {
		return nil, err
	}
	// removelogo wants a mask of the frame's exact size; hard edges so the fill is bounded.
	m := filepath.Join(dir, "mask.png")
	if err := ffmpeg(ctx, []string{"-i", mask.Path, "-frames:v", "1", "-vf",
		fmt.Sprintf("scale=%d:%d:flags=neighbor,format=gray,lut=y='if(gt(val,127),255,0)'", info.Width, info.Height), m}, 0, nil, nil); err != nil {
		return nil, err
	}
	if empty, err := blank(m); err != nil {
		return nil, err
	} else if empty {
		return nil, fmt.Errorf("mask %s is all black: nothing to fill", mask.Path)
	}
	return filterOne(ctx, r, dir, "inpaint", "removelogo=f="+filterPath(m), nil, progress)
}

// blank reports whether a gray PNG is all black.
func blank(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return false, err
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r > 0 {
				return false, nil
			}
		}
	}
	return true, nil
}

// extend lengthens a clip by r.Frames: hold the last frame, play the tail back and forth, or
// ease the tail's motion to a stop with motion-interpolated in-betweens.
func extend(ctx context.Context, r gen.Request, dir string, progress func(float64)) ([]gen.Output, error) {
	src, _, err := input(r, gen.RoleVideo)
	if err != nil {
		return nil, err
	}
	info, err := probe(ctx, src)
	if err != nil {
		return nil, err
	}
	if !info.Video || info.Frames < 2 {
		return nil, fmt.Errorf("%s: extend needs a video of at least 2 frames", src)
	}
	F, N := info.Frames, r.Frames
	fps := fmt.Sprintf("%d/%d", info.FPSNum, info.FPSDen)
	var graph string
	switch r.Param("mode", "hold") {
	case "hold":
		graph = fmt.Sprintf("[0:v]tpad=stop_mode=clone:stop=%d[out]", N)
	case "boomerang":
		k := min(N, F-1)
		graph = fmt.Sprintf("[0:v]split[a][b];[b]trim=start_frame=%d:end_frame=%d,reverse,setpts=PTS-STARTPTS[r];"+
			"[a][r]concat=n=2:v=1:a=0,tpad=stop_mode=clone:stop=%d[out]", F-1-k, F-1, N-k)
	case "interpolate":
		// The last K frames are re-timed to span D = K+N frames with speed falling from 1
		// to 0: t' = (D−1)·(1 − (1 − n/(K−1))^p), p = (K−1)/(D−1) (speed 1 at n = 0);
		// minterpolate makes the in-betweens. Two cloned frames let it flush its lookahead.
		if F < 3 {
			return nil, fmt.Errorf("%s: interpolate needs a video of at least 3 frames", src)
		}
		k := max(2, min(N, F-1))
		d := k + N
		p := float64(k-1) / float64(d-1)
		graph = fmt.Sprintf("[0:v]split[a][b];[a]trim=end_frame=%d,setpts=PTS-STARTPTS[head];"+
			"[b]trim=start_frame=%d,setpts=PTS-STARTPTS,setpts='%d/(FRAME_RATE*TB)*(1-pow(1-min(N/%d\\,1),%g))',"+
			"tpad=stop_mode=clone:stop=4,minterpolate=fps=%s:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:scd=none,"+
			"trim=end_frame=%d,setpts=PTS-STARTPTS[tail];[head][tail]concat=n=2:v=1:a=0[out]", F-k, F-k, d-1, k-1, p, fps, d)
	default:
		return nil, fmt.Errorf("unknown extend mode %q (hold, boomerang or interpolate)", r.Params["mode"])
	}
	out := filepath.Join(dir, "extended.mp4")
	args := append([]string{"-i", src, "-filter_complex", graph, "-map", "[out]"}, encodeArgs(r.Tier)...)
	args = append(args, out)
	if err := ffmpeg(ctx, args, F+N, progress, nil); err != nil {
		return nil, err
	}
	return []gen.Output{{Path: out, Kind: "video"}}, nil
}

// upscale enlarges 2× or 4× with lanczos and an unsharp mask on luma.
func upscale(ctx context.Context, r gen.Request, dir string, progress func(float64)) ([]gen.Output, error) {
	_, info, err := mediaIn(ctx, r)
	if err != nil {
		return nil, err
	}
	f, _ := strconv.Atoi(r.Param("factor", "2"))
	if f != 2 && f != 4 {
		return nil, fmt.Errorf("factor %q: 2 or 4", r.Params["factor"])
	}
	if info.Width*f > 8192 || info.Height*f > 8192 {
		return nil, fmt.Errorf("upscaling %dx%d by %d passes 8192 pixels a side", info.Width, info.Height, f)
	}
	graph := fmt.Sprintf("scale=%d:%d:flags=lanczos,unsharp=5:5:0.7:5:5:0", info.Width*f, info.Height*f)
	return filterOne(ctx, r, dir, fmt.Sprintf("upscale-%dx", f), graph, nil, progress)
}

// speech speaks the prompt with espeak-ng, as 48 kHz mono WAV.
func speech(ctx context.Context, r gen.Request, dir string) ([]gen.Output, error) {
	bin, err := espeakPath()
	if err != nil {
		return nil, err
	}
	raw := filepath.Join(dir, "espeak.wav")
	cmd := execCommand(ctx, bin, "-v", r.Param("voice", "en"), "-s", r.Param("speed", "160"), "-p", r.Param("pitch", "50"),
		"-w", raw, "--", r.Prompt)
	var errs bytes.Buffer
	cmd.Stderr = &errs
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("espeak-ng: %v: %s", err, strings.TrimSpace(errs.String()))
	}
	out := filepath.Join(dir, "dialogue.wav")
	if err := ffmpeg(ctx, []string{"-i", raw, "-ar", "48000", "-ac", "1", "-c:a", "pcm_s16le", "-fflags", "+bitexact",
		"-flags", "+bitexact", "-map_metadata", "-1", out}, 0, nil, nil); err != nil {
		return nil, err
	}
	os.Remove(raw)
	return []gen.Output{{Path: out, Kind: "audio"}}, nil
}
