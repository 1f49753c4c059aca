// Package playback is the display-free heart of the preview player: the clocks, the
// audio/video sync rule, the decode-ahead frame queue, the audio stream and the JSON-lines
// control protocol. It imports no UI toolkit, so all of it is tested headless; the Ebiten
// shell in package player only uploads the frame Engine.Tick chooses and feeds the audio
// device from an AudioStream.
//
// Contract:
//   - Engine is single-threaded: Handle, Tick and the transport methods are called from one
//     goroutine (the UI loop). It emits Events through a callback on that goroutine.
//   - Sync: while playing, the frame shown is the frame sounding at the master Clock's
//     sample (render.FrameOfSample). A frame that is not decoded in time is skipped, never
//     waited for; skipped frames at shuttle speeds up to 1× count as dropped.
//   - Queue decodes ahead on worker goroutines into a bounded window around the playhead; it
//     is safe for concurrent use, and Replace swaps or edits the Source while no call to it
//     is running (Renderer.SetTimeline requires that).
//   - pos events go out at most 30 times a second, dropped events at most 4 times a second;
//     the last position is always delivered once the limit allows.
package playback
