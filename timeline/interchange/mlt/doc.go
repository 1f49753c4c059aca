// Package mlt writes MLT XML: the project format of melt, Shotcut and Kdenlive, so a
// Slate edit can be rendered by melt (to check Slate's own render against) or carried on in
// those editors.
//
// The document has a profile (the timeline's size and rate), one producer per clip (avformat
// by file; timewarp for a speed, whose frame k shows source frame k·speed, reversed from the
// end for negative speeds; hold for a freeze; color for generators), one playlist per track
// (entries and blanks), and a tractor of a black background plus the tracks, video
// composited with affine transitions and sound mixed with mix transitions. A transition
// inside a track is a short nested tractor of the two clips with a luma (picture) or mix
// (sound) transition that carries explicit in and out, as Shotcut writes them; a dip is two.
// Position, scale, anchor, rotation, opacity and crop become an affine filter with
// transition.rect keyframes ("frame=x y w h opacity"); linear segments are one key, hold
// segments a discrete "|=" key, and everything MLT 7.12 cannot interpolate the same way
// (bezier, smooth, the easings) one key per frame, so the motion matches exactly. Filters
// span the frames a clip's producer shows, handles included. Volume and pan become the
// volume (level, dB) and panner filters.
//
// Not written, with a warning: markers, blend modes, wipes (as dissolves: MLT's wipes need
// luma files), speeds of nested sequences.
//
// It imports only the standard library and timeline/... .
package mlt
