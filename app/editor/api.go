package editor

import (
	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

// The actions behind menus and buttons, for scripts and tests.

// AppendMedia puts a media item at the end of the first track of its kind.
func (e *Editor) AppendMedia(it mediaset.Item) { e.appendMedia(it) }

// Seek moves the playhead.
func (e *Editor) Seek(f rt.Time) { e.seek(f) }

// SplitAtPlayhead cuts every unlocked track at the playhead.
func (e *Editor) SplitAtPlayhead() { e.splitAtPlayhead() }

// Undo undoes the last step; Redo redoes it.
func (e *Editor) Undo() { e.undo() }
func (e *Editor) Redo() { e.redo() }

// Export writes the whole timeline to path with a preset in the background, showing the
// progress dialog, and calls done (on the UI goroutine) when it ends.
func (e *Editor) Export(path, preset string, done func(error)) {
	e.runExportThen(render.ExportOptions{Path: path, Preset: preset}, done)
}
