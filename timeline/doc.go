// Package timeline is Slate's edit model: a Timeline (the project's main sequence plus nested
// sequences) holds Tracks; a track holds Clips sorted by position and never overlapping, the
// Transitions between adjacent clips, and the space between clips is a gap. Markers belong to a
// sequence.
//
// Contract:
//   - Positions, durations and source in-points are integer frames at the timeline rate
//     (rt.Time). Source media keeps its own rate; the render layer rescales exactly.
//   - Every object has an ID unique in the whole Timeline, so edit commands name clips, tracks,
//     transitions and markers without saying which sequence they live in.
//   - Video tracks composite in slice order: Tracks[0] is the bottom layer (V1).
//   - Clip parameters are keyframe curves keyed by descriptor name; key times are relative to
//     the clip's start, so keys follow the clip when it moves.
//   - The mutating methods here (InsertClip, RemoveClip, ShiftClips, ...) keep the invariants
//     (sorted, non-overlapping, transitions only between touching clips) and refuse what would
//     break them; they are the primitives package edit builds undoable commands from. Nothing
//     else should mutate a Timeline.
//   - Queries (what is on track T at frame f) are O(log n) by binary search.
//
// It imports only the standard library and timeline/rt, timeline/keyframe.
package timeline
