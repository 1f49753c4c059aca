// Package interchange moves Slate timelines in and out of other editors' files:
// OpenTimelineIO (.otio, and .otioz bundles with media), CMX 3600 EDL, Final Cut Pro XML
// (written as 1.9, read 1.8 to 1.11) and MLT XML (written, for melt, Shotcut and Kdenlive).
//
// Use from the CLI or the project store:
//
//	doc, err := interchange.ReadFile("cut.otio", interchange.ReadOptions{MediaDirs: []string{dir}})
//	// doc.Timeline is a checked *timeline.Timeline; doc.Media the media its clips name
//	// (clip.Source.Media == Media.ID, IDs local to the file: match them with the project's
//	// assets, then doc.RemapMedia); doc.Extra what the model has no field for (store it
//	// beside the timeline to keep it on export); doc.Warnings what was approximated.
//	err = interchange.WriteFile("cut.edl", &interchange.Doc{Timeline: tl, Media: media, Start: tc}, interchange.WriteOptions{})
//
// Read and Write take a Format and a stream; ReadFile and WriteFile pick the format from the
// extension (FormatOf), locate media relative to the file or in ReadOptions.MediaDirs
// (missing media is marked Missing, never an error), and write through a temporary file so
// a failed export leaves nothing behind. ReadOptions.Rate is the EDL's timecode rate (an EDL
// does not say; default 24) and, for the other formats, overrides the file's rate.
//
// Contract:
//   - A reader returns a complete, checked timeline or an error naming where the input is
//     wrong (EDL: the line; OTIO: the JSON path; FCPXML: the line), never half a timeline
//     and never a panic. What it can repair (a transition the model cannot hold, an EDL
//     whose source and record lengths disagree) it repairs with a warning, unless
//     ReadOptions.Strict.
//   - Times are exact: files' decimal and rational seconds are read as rationals and
//     rounded once, to the nearest frame of the timeline rate.
//   - Slate → OTIO → Slate and Slate → FCPXML → Slate give back an equal timeline (Slate
//     writes its own record under metadata "slate" / com.slate.* keys, which other tools
//     keep); Slate → EDL → Slate keeps every cut frame-exact ("* SLATE {...}" comments carry
//     what CMX 3600 cannot say). Other tools' data Slate does not understand (OTIO
//     metadata, unknown schemas and effects, EDL comments and CDL) survives through
//     Doc.Extra.
//
// The shared types are defined in package core (so the format packages can use them) and
// aliased here. The package imports only the standard library and timeline/... .
package interchange
