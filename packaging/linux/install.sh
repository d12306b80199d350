#!/bin/sh
# Install noteapp for this user, without root: the app in ~/.local/opt/noteapp, the command
# `noteapp` in ~/.local/bin, the applications-menu entry and its icons. Run it from the
# unpacked archive:   ./install.sh            (again to update: vaults are never touched)
#                     ./install.sh --uninstall (removes the app, never a vault or a backup)
# PREFIX (default ~/.local) and XDG_DATA_HOME move where things go.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
data=${XDG_DATA_HOME:-$HOME/.local/share}
app="$prefix/opt/noteapp"
entry="$data/applications/noteapp.desktop"

refresh_menus() {
    command -v update-desktop-database >/dev/null 2>&1 \
        && update-desktop-database -q "$data/applications" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 \
        && gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$app"
    rm -f "$prefix/bin/noteapp" "$entry"
    find "$data/icons/hicolor" -path '*/apps/noteapp.*' -type f -exec rm -f {} + 2>/dev/null || true
    refresh_menus
    echo "noteapp was removed. Your vaults and backups were left where they are."
    exit 0
fi

if [ ! -x "$here/noteapp/noteapp" ]; then
    echo "install.sh: run me from the unpacked noteapp archive (noteapp/noteapp is missing)." >&2
    exit 2
fi

# Copy beside the old copy, then swap, so a failed copy never leaves half an app.
mkdir -p "$prefix/opt" "$prefix/bin" "$data/applications" "$data/icons"
rm -rf "$app.new"
cp -R "$here/noteapp" "$app.new"
rm -rf "$app"
mv "$app.new" "$app"
ln -sf "$app/noteapp" "$prefix/bin/noteapp"

# The menu entry starts this copy by its full path (~/.local/bin may not be on PATH).
sed -e "s|^Exec=.*|Exec=\"$app/noteapp\" gui|" -e "s|^TryExec=.*||" \
    "$here/share/applications/noteapp.desktop" > "$entry"
cp -R "$here/share/icons/hicolor" "$data/icons/"
refresh_menus

echo "noteapp is installed: start it from your applications menu, or run $prefix/bin/noteapp"
# Qt still needs a few system libraries that every desktop normally has; name any missing.
"$app/noteapp" desktop-check || {
    echo "Install the packages named above, then start noteapp again." >&2
    exit 1
}
