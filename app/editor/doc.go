// Package editor is Slate's main window: the media bin, the viewer and the inspector on top,
// the timeline below, the curve editor beside the inspector, and the menus and shortcuts that
// tie them to one open project.
//
// Contract:
//   - Every change goes through the project (project.Apply and groups), so each gesture is
//     one undo step, committed to the .slate file at once, exactly as `slate apply` would do.
//     A refused edit shows its reason in the status line; nothing is half-applied.
//   - Rendering (viewer frames, export) happens on background goroutines with their own
//     copy of the timeline (project.Snapshot), so the UI never waits for ffmpeg; results
//     reach widgets only through fyne.Do.
//   - Media is resolved to the renderer through mediaset, the same mapping `slate render`
//     and the player use, so what the viewer shows is what exports.
package editor
