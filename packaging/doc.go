// Package packaging holds Slate's packaging as data: the application icon, the desktop entry
// and AppStream metadata for Linux, and the install script that puts both binaries (slate and
// slate-player, which `fyne package` cannot bundle together) in place. A test checks the
// files agree with each other and with FyneApp.toml.
package packaging

import _ "embed" // the icon is built into the editor

// Icon is the application icon (256x256 PNG).
//
//go:embed icon.png
var Icon []byte
