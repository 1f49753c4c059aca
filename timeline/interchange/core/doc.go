// Package core holds what the interchange formats share: the Doc a reader returns and a
// writer takes, Media, Extra, the read and write options, the Draft readers build timelines
// through (timeline.New and its mutating primitives, repairing with warnings or refusing in
// strict mode, then Timeline.Check), exact rational time helpers, timecode, colours and
// media location. Use it through package interchange, which aliases its types.
//
// It imports only the standard library and timeline/... .
package core
