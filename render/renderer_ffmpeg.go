package render

import (
	"context"
	"errors"
)

// Temporary until the decoders land: the default openers refuse.
func openFFmpegVideo(ctx context.Context, m Media, req SourceRequest) (FrameSource, error) {
	return nil, errors.New("render: ffmpeg video decoding is not wired yet")
}

func openFFmpegAudio(ctx context.Context, m Media, sampleRate, channels int) (AudioSource, error) {
	return nil, errors.New("render: ffmpeg audio decoding is not wired yet")
}
