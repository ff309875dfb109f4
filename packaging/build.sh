#!/usr/bin/env bash
# Build NewsGloss as a one-folder app: build/dist/newsgloss/newsgloss (+ _internal/),
# with install.sh, newsgloss.desktop and the icons beside it.
# Works from any folder; needs PyInstaller in .venv: .venv/bin/pip install -e ".[dev]".
# $PYINSTALLER names another pyinstaller program (tests/test_packaging.py passes the
# one beside the Python that runs the tests).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

pyinstaller="${PYINSTALLER:-$repo/.venv/bin/pyinstaller}"
if [ ! -x "$pyinstaller" ]; then
    echo "build.sh: $pyinstaller not found; install it with: .venv/bin/pip install -e '.[dev]'" >&2
    exit 1
fi

start=$SECONDS
"$pyinstaller" --noconfirm --clean --log-level "${PYINSTALLER_LOG_LEVEL:-WARN}" \
    packaging/newsgloss.spec --distpath build/dist --workpath build/pyinstaller
app="build/dist/newsgloss"
# What installs the folder on a desktop (packaging/install.sh, run from inside it).
cp packaging/install.sh packaging/newsgloss.desktop resources/icons/newsgloss.svg \
    resources/icons/newsgloss.png "$app/"
chmod +x "$app/install.sh"
echo "built $app/newsgloss in $((SECONDS - start)) s"
echo "size: $(du -sh "$app" | cut -f1) ($(find "$app" -type f | wc -l) files)"
