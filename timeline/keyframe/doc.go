// Package keyframe is Slate's parameter animation: parameter descriptors, keyframe curves,
// their interpolation and evaluation, and the sorted-curve edits that undoable commands use.
//
// Contract:
//   - A Key's T is an integer frame relative to the clip's start, at the timeline rate, so
//     keys follow the clip when it moves; Curve.Shift moves them when a head trim changes
//     what frame the clip starts on. Evaluation (Curve.ValueAt) takes fractional clip-local
//     frames for sub-frame audio and motion blur.
//   - A curve with no keys is its Static value. With keys, before the first key it holds the
//     first value and after the last key the last value.
//   - Interpolation is stored on the key where a segment starts: Keys[i].Interp shapes the
//     segment Keys[i]..Keys[i+1] ("" means linear). Bezier segments use Keys[i]'s out handle
//     and Keys[i+1]'s in handle; handle times are clamped into the segment so time never
//     runs backwards. The easings are Robert Penner's formulas (Ease).
//   - Keys stay sorted by T with no two at one T: Set, Remove, Move and Shift keep that, and
//     Set/Remove/Move report what they replaced so an undo restores the curve exactly.
//     Validate checks a curve read from anywhere (file, command) against its descriptor.
//   - Descriptors drive the UI: the inspector builds its editors from Clip() (and effect
//     parameters from All()), edit commands look parameters up by name, and defaults, ranges
//     and units come only from here. Effects add theirs with Register.
//   - Bad input gives an error, never a panic; ValueAt is total and, for finite keys, finite.
//
// It imports only the standard library and timeline/rt.
package keyframe
