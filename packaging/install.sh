#!/usr/bin/env bash
# Install the built NewsGloss app folder for this user, or system-wide with PREFIX:
#
#   ./install.sh                      # into ~/.local
#   sudo PREFIX=/usr/local ./install.sh
#   ./install.sh --uninstall          # remove what install.sh put there
#
# packaging/build.sh copies this script, newsgloss.desktop and the icons into the app
# folder (build/dist/newsgloss), so the folder alone can be shipped and installed.
# It installs:
#   PREFIX/lib/newsgloss/                                   the app folder
#   PREFIX/bin/newsgloss                                    a link to its program
#   PREFIX/share/applications/newsgloss.desktop             the menu entry
#   PREFIX/share/icons/hicolor/{256x256,scalable}/apps/     the icon
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${PREFIX:-$HOME/.local}"

if [ -x "$here/newsgloss" ] && [ -d "$here/_internal" ]; then
    app="$here"                                   # run from inside the app folder
else
    app="$(cd "$here/.." && pwd)/build/dist/newsgloss"  # run from packaging/ in the repository
fi

lib="$prefix/lib/newsgloss"
bin="$prefix/bin/newsgloss"
desktop="$prefix/share/applications/newsgloss.desktop"
png="$prefix/share/icons/hicolor/256x256/apps/newsgloss.png"
svg="$prefix/share/icons/hicolor/scalable/apps/newsgloss.svg"

refresh() {  # menus and icon caches, where the desktop has the tools
    if command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$prefix/share/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null; then
        gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$lib"
    rm -f "$bin" "$desktop" "$png" "$svg"
    refresh
    echo "removed NewsGloss from $prefix"
    exit 0
fi

if [ ! -x "$app/newsgloss" ]; then
    echo "install.sh: no app at $app; build it first with packaging/build.sh" >&2
    exit 1
fi

mkdir -p "$prefix/lib" "$(dirname "$bin")" "$(dirname "$desktop")" "$(dirname "$png")" "$(dirname "$svg")"
if [ "$app" != "$lib" ]; then
    rm -rf "$lib.new"
    cp -a "$app" "$lib.new"
    rm -rf "$lib"
    mv "$lib.new" "$lib"
fi
ln -sfn "$lib/newsgloss" "$bin"
install -m 644 "$lib/newsgloss.png" "$png"
install -m 644 "$lib/newsgloss.svg" "$svg"
# The menu runs the installed program by its full path: PREFIX/bin need not be on PATH.
sed -e "s|^Exec=newsgloss|Exec=$bin|" -e "s|^TryExec=newsgloss|TryExec=$bin|" \
    "$lib/newsgloss.desktop" > "$desktop"
chmod 644 "$desktop"
refresh
echo "installed NewsGloss $("$bin" --version | sed 's/.*version //') in $lib; run: $bin"
