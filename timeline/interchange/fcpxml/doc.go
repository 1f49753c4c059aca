// Package fcpxml writes Final Cut Pro XML 1.9 and reads 1.8 to 1.11.
//
// Writing: resources (formats, assets with media-rep, the Cross Dissolve and Audio Crossfade
// effects, nested sequences as compound <media>), then library › event › project › sequence
// › spine. The first video track is the primary storyline (clips, gaps, transitions on the
// cut); every other track is a secondary storyline anchored to it, video above (lanes 1, 2,
// ...) and audio below (lanes -1, -2, ...). Speeds are time maps; markers are put on the
// primary element they fall in. Slate's own record rides in <metadata> md keys com.slate.*,
// so Slate → FCPXML → Slate is exact.
//
// Reading is tolerant: the first project's sequence; assets with media-rep (1.9+) or src
// (1.8); asset-clip, clip/sync-clip (their contained video or audio), video, audio, title
// (a generator), ref-clip (a nested sequence), gap, audition (its first pick); connected
// clips and storylines on lanes, each lane a track (overlaps spill into another); the sound
// of a clip with picture and sound onto an audio track of its lane; time maps as constant
// speeds; markers and chapter markers. Multicam clips are read as gaps with a warning.
// Errors name the line.
//
// It imports only the standard library and timeline/... .
package fcpxml
