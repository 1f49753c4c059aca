// Package theme is Slate's editor look: one dark palette shared by the custom widgets
// (timeline, curve editor) and a fyne.Theme built on it for the standard widgets around them.
//
// Contract:
//   - Colours are plain values (Palette); widgets read them when they draw, so a palette
//     change takes effect on the next Refresh.
//   - Clip and marker colours in the model are free strings ("#rrggbb", "#rgb" or a name
//     such as "red"); ParseColor reads them and ClipColor falls back to a per-kind default, so
//     an unknown string never fails a redraw.
//   - Dark() is the editor's fyne.Theme: Fyne's dark variant with Slate's background, accent
//     and selection colours; it needs no app or display to construct.
//
// It imports Fyne and the standard library only.
package theme
