// Package render turns a timeline into pictures and sound, for playback and for export.
//
// One pull path serves both. Renderer.Frame(t) asks the main sequence what is visible at
// timeline frame t, pulls only those sources' frames (from the Cache, else from their
// decoders), and composites them; Renderer.Audio mixes the sound the same way. Export is
// that path feeding an Encoder; the preview player calls the same Renderer at a preview
// scale. There is no second renderer to drift out of step.
//
// Frames. A frame is an *image.RGBA with its origin at (0,0), and it is alpha-premultiplied,
// as Go defines RGBA: decoders premultiply ffmpeg's straight-alpha output (opaque sources need
// no work), and the Encoder converts back to straight alpha for formats that keep it. A frame
// returned by a FrameSource or a Cache is shared and read-only: nobody may change its pixels.
// GetFrame and PutFrame recycle frames (8 MB each at 1080p) whose single owner is known.
//
// Sources. VideoSource decodes a video file, a still or an image sequence with one
// long-lived ffmpeg writing raw RGBA on a pipe, conformed to the timeline rate (frame n is
// what shows at n/rate, variable frame rates included) and upright (rotation metadata
// applied). Reading forward streams; a seek restarts ffmpeg with an input seek, which lands
// on the keyframe before and decodes forward, so a frame is the same however it was reached.
// AudioDecoder does the same for sound (float32, resampled to the project rate). Past its
// end a video source returns ErrSourceEnd and an audio source reads nothing.
//
// Processes. Every ffmpeg this package starts belongs to exactly one value: a VideoSource or
// AudioDecoder (one process at a time, restarted on seeks), or an Encoder. Close (Abort for an
// Encoder) kills and waits for it, so no process outlives its owner and no zombie is left;
// cancelling the context a source was opened with does the same. The Renderer owns the
// sources it opens, keeps at most RendererOptions.MaxSources of them, and closes them all in
// Close. A failing ffmpeg is reported with its own last message, naming the file.
//
// The Cache bounds decoded frames by bytes (512 MiB by default), evicting the least recently
// used first but keeping the frames around each source's playhead. The Encoder writes to a
// temporary name and renames into place only on success, so a failed or aborted export
// leaves nothing under the final name. Presets lists the export formats.
//
// ffmpeg and ffprobe come from $SLATE_FFMPEG and $SLATE_FFPROBE, else from PATH (Debian
// package "ffmpeg").
package render
