// Package edit is every change to a timeline as data. A Command is a JSON-serializable value
// ({"op":"split","clip":12,"at":240}) whose Apply changes a *timeline.Timeline and returns the
// inverse command; History keeps undo and redo stacks of them, with named groups so that one
// gesture is one undo step.
//
// Contract:
//   - Apply either succeeds completely or returns an error and leaves the timeline exactly as
//     it was (a failing command rolls back the steps it took).
//   - Commands are built from a few primitives (put/drop/replace of clips, transitions,
//     markers, tracks; shift; next-id), each with an exact inverse. The inverse of any command
//     is a "batch" of primitives, so undo restores the timeline bit for bit, IDs included, and
//     redo (the inverse of the inverse) gives back exactly the edited timeline.
//   - The same vocabulary serves undo, the persisted history, `slate apply` scripts, chat
//     mode and tests. docs/commands.md documents every op with an example.
//   - Locked tracks refuse user edits; the primitives (used by undo) do not check locks, since
//     the lock itself is in the history.
package edit
