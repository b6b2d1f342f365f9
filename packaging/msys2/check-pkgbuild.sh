#!/usr/bin/env bash
# Lints packaging/msys2/PKGBUILD on Debian: `makepkg --printsrcinfo` (from
# Debian's makepkg package, run as a non-root user with PACMAN=true) for each
# MSYS2 environment the package lists, which parses and lints the PKGBUILD
# and prints its .SRCINFO.  Passes when makepkg succeeds with nothing on
# stderr (no lint warning) and the .SRCINFO names the package as MSYS2 does,
# with the version of the project in meson.build.
#
#   bash packaging/msys2/check-pkgbuild.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=ci/setup.sh
source "$root/ci/setup.sh"

wepoll_ensure_packages makepkg pacman-package-manager

project_version=$(sed -n "s/^ *version *: *'\([0-9.]*\)'.*/\1/p" "$root/meson.build" | head -n1)
[ -n "$project_version" ] || { echo "error: no version in meson.build" >&2; exit 1; }

# makepkg refuses to run as root: use nobody, in a folder it can read.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
install -m 644 "$here/PKGBUILD" "$tmp/PKGBUILD"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  as_user=(runuser -u nobody --)
  chown nobody "$tmp" # makepkg wants to write in its build folder
fi

status=0
# MSYSTEM  MINGW_PACKAGE_PREFIX  MINGW_PREFIX  CARCH
for env_line in \
    "UCRT64 mingw-w64-ucrt-x86_64 /ucrt64 x86_64" \
    "MINGW64 mingw-w64-x86_64 /mingw64 x86_64" \
    "CLANG64 mingw-w64-clang-x86_64 /clang64 x86_64" \
    "MINGW32 mingw-w64-i686 /mingw32 i686"; do
  read -r msystem package_prefix mingw_prefix carch <<<"$env_line"
  if ! (cd "$tmp" && "${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$tmp" \
          PACMAN=true MSYSTEM="$msystem" MINGW_PACKAGE_PREFIX="$package_prefix" \
          MINGW_PREFIX="$mingw_prefix" CARCH="$carch" \
          makepkg --printsrcinfo >"$tmp/SRCINFO" 2>"$tmp/stderr"); then
    echo "$msystem: makepkg --printsrcinfo failed:"
    cat "$tmp/stderr"
    status=1
    continue
  fi
  if [ -s "$tmp/stderr" ]; then
    echo "$msystem: makepkg printed warnings:"
    cat "$tmp/stderr"
    status=1
  fi
  for want in "pkgbase = mingw-w64-wepoll" "pkgname = $package_prefix-wepoll" \
              "pkgver = $project_version" "arch = any" \
              "license = spdx:BSD-2-Clause" "makedepends = $package_prefix-meson"; do
    if ! grep -qxF "$(printf '\t%s' "$want")" "$tmp/SRCINFO" &&
       ! grep -qxF "$want" "$tmp/SRCINFO"; then
      echo "$msystem: .SRCINFO lacks '$want'"
      status=1
    fi
  done
  if [ "$msystem" = UCRT64 ]; then
    cat "$tmp/SRCINFO"
  fi
  echo "$msystem: PKGBUILD lints clean ($package_prefix-wepoll $project_version)"
done
exit "$status"
