// Package timelineview is the editor's timeline: a custom Fyne widget that draws a
// timeline.Timeline (ruler, track headers, clips with names, thumbnails and waveforms,
// transitions, markers, in/out marks, playhead) and turns mouse and keyboard gestures into
// edit commands.
//
// Contract:
//   - The widget never changes the timeline. Every gesture ends in one OnEdit(name, cmds)
//     call: one call is one undo step. The owner applies the commands as one group
//     (edit.NewBatch(name, cmds...) through its History), reports a refusal to the user, and
//     calls SetTimeline (or Refresh) with the result. A drag emits nothing until it ends; in
//     between the widget draws a ghost of the result and a label with the offset.
//   - The playhead, the in/out marks and the selection are view state: ruler clicks, scrubs
//     and arrow keys call OnSeek and the owner answers with SetPlayhead; selection changes
//     call OnSelect.
//   - Use it on the Fyne goroutine only. Thumbs and Peaks are called while drawing and must
//     return at once (nil when not ready); a background loader calls fyne.Do(w.Refresh) when
//     pictures or peaks arrive.
//   - Drawing cost follows the screen, not the edit: the renderer asks each visible track for
//     the clips in the visible frame range (Track.ClipsIn), reuses pooled canvas objects
//     (labels, thumbnails and waveforms stay with their clip while it is on screen, so
//     scrolling moves them without re-rendering), and merges clips narrower than two pixels.
//
// Only the main sequence is shown. Layout: video tracks are shown top layer first above the audio tracks (A1 first), as in
// Premiere and Resolve. HeaderWidth, RulerHeight and the track heights are exported; XAt,
// FrameAt and TrackY convert between frames, tracks and widget positions, and HitTest says
// what is under a point.
//
// Gestures (close to Premiere Pro and DaVinci Resolve):
//
//	click clip                 select it (Shift+click adds or removes it)
//	click empty lane           clear the selection
//	drag on empty lane         marquee select (Shift adds to the selection)
//	drag clip                  move the selected clips (overwrite), to another track of the
//	                           same kind by dragging up or down; emits "move" commands
//	drag clip edge             trim the in or out point (trim-head / trim-tail)
//	Shift+drag clip edge       ripple trim: the rest of the track follows
//	Alt+drag a cut             roll the cut between two touching clips (roll)
//	Alt+drag inside a clip     slip: other source frames in the same place; dragging right
//	                           shows earlier source, like pulling the film under the window
//	B, then click a clip       razor: split there (Shift+click: every unlocked track)
//	A or V, Escape             back to the select tool (Escape also cancels a drag)
//	Ctrl+K                     split at the playhead: the selected clips under it, or every
//	                           unlocked track when none is selected there
//	Delete, Backspace          lift the selected clips (leave gaps)
//	Shift+Delete               ripple delete the selected clips (close the gaps on their
//	                           own tracks)
//	S, or click "SNAP"         toggle snapping: moves, trims, rolls and razor clicks snap to
//	                           the playhead, the marks, markers and clip edges within
//	                           SnapDistance pixels
//	Ctrl+wheel, + and -        zoom around the pointer (keys: around the pointer when it is
//	                           over the lanes, else the playhead); Shift+Z zooms to fit
//	wheel                      scroll the tracks vertically (horizontally when they all fit)
//	Shift+wheel, tilt wheel    scroll in time
//	click or drag the ruler    move the playhead (OnSeek)
//	Left/Right (Shift: 10)     step the playhead; Up/Down jump to the previous/next edit;
//	                           Home/End to the start/end
//	header M S L and the eye   mute, solo, lock, hide the track (set-track); video tracks
//	                           show lock and hide, audio tracks mute, solo and lock, the
//	                           flags playback honours for each kind
//
// Keys the widget does not use (Space, J, K, L, I, O, ...) go to OnKey and OnRune, and
// shortcuts it does not use (Undo, Redo, ...) to OnShortcut or else the window canvas's own
// shortcuts, so the window's keys keep working while the timeline has the focus. Clips on a
// locked track are drawn darker and cannot be moved, trimmed or deleted.
package timelineview
