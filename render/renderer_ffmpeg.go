package render

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// openFFmpegVideo is the default SourceOpener: an ffmpeg decoder (VideoSource). A missing or
// unreadable file is reported as fs.ErrNotExist or fs.ErrPermission, which the renderer shows
// as the offline slate.
func openFFmpegVideo(ctx context.Context, m Media, req SourceRequest) (FrameSource, error) {
	if m.Kind != "sequence" {
		if err := checkReadable(m.Path); err != nil {
			return nil, err
		}
	}
	opt := SourceOptions{Width: req.Width, Height: req.Height, Rate: req.Rate, Still: req.Still}
	if m.Kind == "sequence" {
		opt.InputRate, opt.SequenceStart = m.Rate, m.SequenceStart
	}
	return OpenVideo(ctx, m.Path, opt)
}

// checkReadable says whether path can be opened, wrapping fs.ErrNotExist or fs.ErrPermission.
func checkReadable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s: %w", path, pe.Err)
		}
		return err
	}
	return f.Close()
}

// openFFmpegAudio is the default AudioOpener: an ffmpeg AudioDecoder.
func openFFmpegAudio(ctx context.Context, m Media, sampleRate, channels int) (AudioSource, error) {
	if err := checkReadable(m.Path); err != nil {
		return nil, err
	}
	return OpenAudio(ctx, m.Path, sampleRate, channels)
}
