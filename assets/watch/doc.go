// Package watch reports changes to the media files in watch folders: new files once they are
// whole, rewritten files, and files deleted or moved away. It is the only package that imports
// fsnotify.
//
//	events, err := watch.Watch(ctx, []string{"/footage"}, watch.Options{})
//	for ev := range events { // closed when ctx ends
//		switch ev.Kind {
//		case watch.Added:   // probe and add to the media bin
//		case watch.Changed: // probe again
//		case watch.Removed: // mark the media offline (relink later by path or hash)
//		}
//	}
//
// Contract:
//   - Added comes once per new file, after its size and modification time have held still
//     for Options.Settle (default 500 ms): a file copied in over seconds is one Added after
//     the last write, never a half-written file.
//   - Changed comes for a file the watch already knew (there at the start, or Added since)
//     when it is written again, debounced the same way; a burst of writes is one Changed.
//   - Removed comes at once when a known file is deleted or renamed away (a folder removed or
//     moved away removes every known file under it). A rename inside the watched folders is
//     Removed for the old name and, after settling, Added for the new one.
//   - Folders created under a watched folder are watched, and files already in them are
//     reported. A folder renamed inside the watch is watched under its new name, the folders
//     in it too. Names starting with "." (files and folders), and *.tmp, *.part,
//     *.crdownload and *~, are never reported.
//   - Files present when Watch starts are not reported; the caller lists them itself.
//   - If the kernel's queue overflows, the folders are rescanned so no change is lost for
//     good; problems are passed to Options.OnError and never stop the watch.
//   - The channel is closed when ctx ends; the watcher's resources go with it.
package watch
