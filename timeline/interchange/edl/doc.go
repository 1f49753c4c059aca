// Package edl reads and writes CMX 3600 edit decision lists.
//
// Reading: TITLE and FCM (drop-frame or not) headers; events "NNN REEL CHANNEL EDIT [DUR]
// SRC_IN SRC_OUT REC_IN REC_OUT" with timecode or frame counts, fields split by any mix of
// tabs and spaces; cuts, dissolves (a zero-length C line, then a D line under the same
// number) and wipes (Wnnn), read with the cut in the middle of the transition as OTIO does;
// M2 speed lines (000.0 a freeze, any other speed a retime, negative reverse); record gaps
// (gaps); BL/BLACK and BARS reels (generators); comments with or without "* ": FROM/TO CLIP
// NAME, FROM CLIP / FROM FILE / SOURCE FILE (media), LOC (markers, at record timecode),
// ASC_SOP/ASC_SAT (kept as Extra "cdl"), AUD (more audio channels); channels V, A, A2, AA,
// B, A2/V, AA/V, An. The timecode rate is ReadOptions.Rate (default 24); frame 0 is the
// first record timecode, kept in Doc.Start. Source timecodes count from 00:00:00:00 unless
// Slate wrote the media's start: Doc.Rebase moves them once the project knows it. Source
// and record lengths that disagree are read as OTIO's ignore_timecode_mismatch does (the
// source wins, later events move on), with a warning; ReadOptions.Strict refuses them.
// Errors are LineErrors naming the line.
//
// Writing: one video track (WriteOptions.VideoTrack) and up to four audio tracks, in record
// order, with FROM/TO CLIP NAME and FROM/TO CLIP comments, M2 lines, LOC markers, CDL and
// kept comments. "* SLATE {json}" comments carry what CMX 3600 cannot (transition alignment
// and kind, exact speeds and sub-frame phase, the record start, media start timecodes,
// marker lengths and notes), so Slate → EDL → Slate keeps every cut frame-exact; other tools
// keep them as comments.
//
// It imports only the standard library and timeline/... .
package edl
