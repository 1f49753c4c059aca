// Package project is the .slate file: one SQLite database per project holding the settings,
// the timeline (sequences, tracks, clips, parameters, keyframes, transitions, markers), the
// media library and the undo history. It is the only package that imports go-sqlite3.
//
// There is no Save: every edit is committed as it is made.
//
//	p, err := project.Create("film.slate", timeline.Settings{Rate: rt.Rate24, Width: 1920, Height: 1080, SampleRate: 48000})
//	p, err := project.Open("film.slate")         // the one writer; others get ErrLocked
//	err = p.Apply(&edit.AddTrack{Kind: timeline.Video})
//	p.Begin("Drag clip"); p.Apply(...); p.Apply(...); p.End()   // one undo step
//	entry, err := p.Undo(); entry, err = p.Redo()
//	r, err := project.OpenReadOnly("film.slate") // the player: r.Changed(), r.Reload()
//
// Contract:
//   - Apply runs the command on the in-memory timeline through an edit.History, then writes
//     only the rows it touched (from edit.TouchedBy of its inverse) and the history entry in
//     ONE immediate transaction. If that commit fails (disk full, I/O error) the command is
//     undone in memory and Apply returns the error: memory and file never disagree. Undo and
//     Redo are committed the same way, so the undo and redo stacks survive a restart.
//   - A group (Begin … End) lives in memory until End commits it as one transaction. If the
//     process dies mid-group, the file holds the project as it was before Begin; Close cancels
//     an open group.
//   - The file is in WAL mode with synchronous=FULL: a commit is on disk when Apply returns,
//     so it survives a process kill and a power cut (FULL costs about half a millisecond per
//     commit here; NORMAL would survive a kill but may lose the last commits on power loss).
//     Foreign keys are on; the writer uses immediate transactions and a busy timeout.
//   - Loading rebuilds exactly the timeline that was saved (timeline.Equal), history
//     included. Float columns keep -0.0. History commands are decoded when first used, so a
//     long history does not slow opening.
//   - Writes touch only the rows a command changed: clips by ID (parameters and keyframes key
//     by key, diffed against the clip as it was), clip positions on shifted tracks, tracks,
//     transitions, markers, sequences. A ripple moves one row per moved clip.
//   - One writer per file, across processes (flock on the file; the kernel drops it if the
//     process dies) and within one (a table of open files): a second Open gets an error
//     wrapping ErrLocked, "FILE is already open for writing by another Slate process".
//     OpenReadOnly never blocks and is never blocked.
//   - Bad files are refused with a one-line error naming the file, wrapping ErrNotProject,
//     ErrNewer or ErrCorrupt, and are left byte for byte as they were with nothing created
//     beside them: the header is checked with a plain read, and a clean file is loaded
//     through an immutable read-only connection before it is opened for writing. A read-only
//     file or folder is refused by Open (OpenReadOnly reads it).
//   - Schema versions are PRAGMA user_version; PRAGMA application_id is ApplicationID. The
//     migration steps run in order on Open (OpenReadOnly upgrades an in-memory copy). Every
//     released version has a fixture under testdata that a test opens.
//   - Backups: see Backup, Backups, Restore and BackupDir.
//   - Symlinks are followed as SQLite follows them: the lock and the -wal are the target's.
//   - Media (Media, AddMedia, SetMediaOnline) is a library beside the timeline, not part of
//     the undo history; media IDs are their own counter.
//
// Schema (format 1): settings (one row), meta (next_id, created), sequence (pos 0 = main),
// track (seq_id, pos), clip (track_id, start, dur, media_id | source_seq, in_frame, speed,
// phase, enabled, source_dur, name, color, blend), param (clip_id, name, static), keyframe
// (clip_id, param, t, v, interp, out/in handles), transition, marker, media, history (stack
// 'done' | 'undone', pos, name, cmd, undo, redo as edit JSON, at). See schema.go.
package project
