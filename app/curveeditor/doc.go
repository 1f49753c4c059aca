// Package curveeditor is the keyframe curve editor: a custom Fyne widget that shows one
// clip's animatable parameters as lanes (name and value at the playhead on the left, the
// curve, its keyframes and bezier handles on the right) with a bar for typing a keyframe's
// frame, value and interpolation exactly.
//
// Contract:
//   - Lanes are generated from the keyframe descriptors, never listed here: every animatable
//     parameter of keyframe.Clip() that Filter keeps (by default the Audio group for clips on
//     audio tracks, the rest for video), then any other animated parameter the clip carries
//     (effect parameters registered with keyframe.Register). Each lane's value scale is the
//     whole range for small ranges (opacity, crop, pan) and otherwise fits the curve, its
//     handles and overshoot; units and the ×100 display of percent parameters come from the
//     descriptor.
//   - The editor never changes the timeline. Each gesture ends in one OnEdit(name, cmds)
//     call, one undo step, made of set-keyframe, move-keyframe and remove-keyframe commands;
//     the owner applies them (edit.NewBatch(name, cmds...)) and calls SetClip again. A drag
//     emits nothing until it ends; meanwhile the key, the curve through it and a label with
//     its frame and value follow the pointer.
//   - Key times are whole frames from the clip's start (drags round, typed times are frames
//     or HH:MM:SS:FF); values are clamped to the descriptor's range (Descriptor.Clamp) and,
//     when set with the mouse, rounded to what a pixel is worth (0.01, 0.1, 1, ...).
//   - Input the editor refuses (text that is not a number, a key moved onto another) goes to
//     OnError as a one-line message; nothing is emitted.
//   - Use it on the Fyne goroutine only.
//
// Gestures:
//
//	double-click a lane          add a keyframe at that frame and value (it takes the
//	                             interpolation of the segment it lands in)
//	click a key                  select it (Shift+click adds or removes)
//	drag a key                   move it (and the other selected keys) in time and value;
//	                             Shift locks the drag to its main direction; a key stops
//	                             short of another key's frame
//	drag a bezier handle         shape the segment (out handle of the first key, in handle
//	                             of the next; handle time stays inside the segment)
//	drag an empty place          marquee select (Shift adds)
//	right-click a key or segment interpolation menu: hold, linear, bezier, smooth, and the
//	                             easings under Ease In, Ease Out and Ease In-Out
//	Delete, Backspace            remove the selected keys
//	bar: Frame, Value, picker    type the selected key's frame, value or interpolation
//	click the ruler              seek (OnSeek, a timeline frame)
//	wheel, Shift+wheel           scroll the lanes, scroll in time; Ctrl+wheel zooms time
//
// Hold keys are drawn as squares, the others as dots; the clip's frames outside 0..Dur-1
// are dimmed.
package curveeditor
