#!/usr/bin/env sh
# Installs Slate into PREFIX (default /usr/local): both binaries, the desktop entry, the
# AppStream metadata and the icon. Run `make build` first.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
prefix=${PREFIX:-/usr/local}
install -Dm755 "$root/bin/slate" "$prefix/bin/slate"
[ -f "$root/bin/slate-player" ] && install -Dm755 "$root/bin/slate-player" "$prefix/bin/slate-player"
install -Dm644 "$here/org.slate-nle.slate.desktop" "$prefix/share/applications/org.slate-nle.slate.desktop"
install -Dm644 "$here/org.slate-nle.slate.metainfo.xml" "$prefix/share/metainfo/org.slate-nle.slate.metainfo.xml"
install -Dm644 "$here/icon.png" "$prefix/share/icons/hicolor/256x256/apps/org.slate-nle.slate.png"
echo "installed Slate into $prefix"
