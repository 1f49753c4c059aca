// Package player is the thin Ebiten shell of slate-player: a window that uploads the frame
// playback.Engine picks, an ebiten/audio player fed from a playback.AudioStream (the master
// clock when a sound device exists), keyboard transport, the JSON-lines protocol on
// stdin/stdout, and a poll of the project file that reloads the timeline within 200 ms of a
// commit. Everything it decides is in render/playback; this package only wires it to
// Ebiten, the project and the renderer.
//
// Contract: Run blocks until quit (a quit command, stdin closing, the window closing, or
// ctx ending) and returns nil then; it returns an error only when the project cannot be
// played at all. A missing sound device is never fatal: it warns on stderr and plays on a
// wall clock. A package that imports ebiten needs a display at init, so its tests run under
// xvfb-run.
package player
