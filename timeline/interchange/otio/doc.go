// Package otio reads and writes OpenTimelineIO: .otio JSON and .otioz bundles.
//
// Reading follows OTIO's rules: a Timeline's Stack holds Tracks (bottom first), a Track
// holds Clips, Gaps, nested Stacks and Tracks, and Transitions that sit on the cut between
// two items; an item's source_range wins over its content; a track lasts the sum of its items
// plus the in_offset of a leading and the out_offset of a trailing transition. Clip.1 and
// Clip.2 (several media references, the active one used), Marker.2 (colour name) and Marker.3
// (Color.1), LinearTimeWarp and FreezeFrame (speeds), ExternalReference, MissingReference,
// ImageSequenceReference and GeneratorReference, metadata, global_start_time and mixed rates
// are read. The JSON may be non-strict as OTIO writes it (Inf, Infinity, NaN, integers of any
// size); numbers keep their text. Nested Stacks and Tracks become nested sequences. A
// track's source_range that starts before 0 (OTIO's EDL adapter writes minus the first
// record timecode there) is an offset, which goes into Doc.Start.
//
// What Slate's model cannot hold is kept in Doc.Extra and written back: other tools'
// metadata, effects and media references of unknown schemas, items of unknown schemas (at
// their place in the track), transitions into a gap. Writing produces Timeline.1, Stack.1,
// Track.1, Clip.2, Gap.1, Transition.1 and Marker.2 (readable by every OTIO since 0.15), and
// puts Slate's own record (IDs, exact speeds, keyframes, track flags, settings, the media's
// generation record) under metadata "slate", so Slate → OTIO → Slate is exact while other
// tools see plain OTIO.
//
// Errors name the JSON path ("otio: $.tracks.children[0].source_range.duration.rate: ...")
// or, for broken JSON, the line and column.
//
// It imports only the standard library and timeline/... .
package otio
