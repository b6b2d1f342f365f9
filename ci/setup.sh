#!/usr/bin/env bash
# Shared setup for ci/demo.sh and ci/test.sh.
#
# Source it to get the functions below, or run it directly to only install
# what is missing:
#
#   bash ci/setup.sh          # everything ci/test.sh needs, x64 and x86
#                             # (32-bit Wine only where the kernel can run
#                             # 32-bit programs)
#   bash ci/setup.sh --x64    # the same without 32-bit Wine
#
# Target: a fresh Debian 12 machine, as root or as a user with sudo.  Every
# check is cheap (dpkg-query, command -v): once everything is installed, a
# run does not touch apt.

# Packages every build needs.  meson pulls in python3, which the ABI checker
# (ci/abi-check) uses as well.
WEPOLL_APT_PACKAGES=(meson ninja-build mingw-w64 wine wine64)
# Tools only the full test suite (ci/test.sh) uses.  The Meson files look
# for them with required: false, so on a machine without them those tests
# would quietly not exist; installing them here is what makes the README's
# test command run every suite:
#   clang lld llvm          clang consumer, llvm-dlltool for wepoll.lib
#   libclang-rt-14-dev      sanitizer and libFuzzer runtimes for host tests
#   build-essential         host C compiler and libc headers
#   nim, rustc cargo libstd-rust-dev-windows      the bindings
#   cmake pkg-config        consumers of an installed wepoll
#   makepkg pacman-package-manager                PKGBUILD lint
WEPOLL_APT_TEST_PACKAGES=(clang lld llvm libclang-rt-14-dev build-essential
  python3 nim rustc cargo libstd-rust-dev-windows cmake pkg-config makepkg
  pacman-package-manager)

# Extra packages a test folder needs can be listed one per line in
# ci/*.packages files ('#' starts a comment); ci/test.sh installs them with
# the test tools above.
wepoll_extra_packages() {
  local root f
  root=$(wepoll_repo_root)
  for f in "$root"/ci/*.packages; do
    [ -f "$f" ] || continue
    sed -e 's/#.*//' -e 's/[[:space:]]//g' "$f" | grep -v '^$' || true
  done
}

wepoll_repo_root() {
  # Resolved from this file's location so it works from any working directory.
  (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
}

wepoll_log() { printf '==> %s\n' "$*" >&2; }

# Loud, boxed message: used for everything that is skipped, so that a skip
# can never go unnoticed in a CI log.
wepoll_warn_loud() {
  {
    printf '\n'
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    printf '!!! %s\n' "$@"
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    printf '\n'
  } >&2
}

# Runs a command as root: directly when we are root, else through sudo.
wepoll_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "error: need root (or sudo) to run: $*" >&2
    return 1
  fi
}

# True when the given package (optionally with :arch) is installed.
wepoll_pkg_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# apt-get with settings fit for CI: no prompts, and wait for the dpkg lock
# instead of failing when another apt run (e.g. unattended upgrades) holds it.
# --no-remove: with -y, apt would otherwise remove packages to satisfy a
# dependency (e.g. drop wine64 to make room for wine32 when the i386 and
# amd64 library versions disagree); we would rather fail and say so.
wepoll_apt() {
  local cmd=$1
  shift
  if [ "$cmd" = install ]; then
    set -- --no-remove "$@"
  fi
  wepoll_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -q -y -o DPkg::Lock::Timeout=900 "$cmd" "$@"
}

# Runs wepoll_apt with its output both shown and saved in the file $1, and
# returns apt's status whatever the caller's errexit/pipefail settings are.
wepoll_apt_saving_output() {
  local out=$1 rc errexit=0
  shift
  case $- in *e*) errexit=1 ;; esac
  set +e
  wepoll_apt "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  [ "$errexit" = 1 ] && set -e
  return "$rc"
}

# apt-get update, once per run (again after an architecture is added).  A
# mirror that fails for one index (seen: the i386 security index, "File has
# unexpected size ... Mirror sync in progress?") still leaves the others
# usable, so a failure is not fatal: the update is tried again after 15 and
# 30 s (a mirror sync ends within minutes), and then the install is tried
# anyway and its result decides.  WEPOLL_APT_UPDATE_ERRORS keeps the last
# failed update's error lines for the reason an install failure gives.
WEPOLL_APT_UPDATED=0
WEPOLL_APT_UPDATE_ERRORS=""
wepoll_apt_update_once() {
  local out wait
  [ "$WEPOLL_APT_UPDATED" -eq 0 ] || return 0
  WEPOLL_APT_UPDATED=1
  out=$(mktemp)
  for wait in 15 30 ""; do
    wepoll_log "apt-get update"
    if wepoll_apt_saving_output "$out" update; then
      WEPOLL_APT_UPDATE_ERRORS=""
      break
    fi
    WEPOLL_APT_UPDATE_ERRORS=$(grep '^E:' "$out" | tr '\n' ' ' || true)
    if [ -n "$wait" ]; then
      wepoll_log "apt-get update failed (see above); again in $wait s"
      sleep "$wait"
    else
      wepoll_log "apt-get update failed again; installing anyway: the install's result decides"
    fi
  done
  rm -f "$out"
}

# Installs those of the named Debian packages that are missing.
wepoll_ensure_packages() {
  local missing=() p
  for p in "$@"; do
    wepoll_pkg_installed "$p" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    wepoll_log "installing missing packages: ${missing[*]}"
    wepoll_apt_update_once
    wepoll_apt install --no-install-recommends "${missing[@]}"
  fi
}

# Installs the missing packages.
#   wepoll_install <x86|x64> [full]
# "x86" also tries to make 32-bit Wine available; "full" adds the tools of
# the whole test suite.  Sets:
#   WEPOLL_HAVE_WINE32=1|0 and WEPOLL_WINE32_REASON (why not, when 0).
wepoll_install() {
  local want_x86=${1:-x86} full=${2:-}
  local p wanted=("${WEPOLL_APT_PACKAGES[@]}")
  if [ "$full" = full ]; then
    # shellcheck disable=SC2207 # package names have no spaces
    wanted+=("${WEPOLL_APT_TEST_PACKAGES[@]}" $(wepoll_extra_packages))
  fi

  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "error: this script expects a Debian system (dpkg-query not found)" >&2
    return 1
  fi

  wepoll_ensure_packages "${wanted[@]}"
  # Belt and braces: the packages could be installed but the tools missing
  # from PATH (e.g. a broken alternative); apt cannot fix that, so say it.
  for p in meson ninja x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc wine \
           wineboot wineserver; do
    if ! command -v "$p" >/dev/null 2>&1; then
      echo "error: '$p' is not on PATH after installing packages" >&2
      return 1
    fi
  done

  WEPOLL_HAVE_WINE32=0
  WEPOLL_WINE32_REASON=""
  if [ "$want_x86" = x86 ]; then
    wepoll_install_wine32 || true
  else
    WEPOLL_WINE32_REASON="not requested"
  fi
  export WEPOLL_HAVE_WINE32 WEPOLL_WINE32_REASON
}

# Runs a Windows tool or program with Wine's 64-bit loader, never through
# Debian's `wine` script: once wine32:i386 is installed, that script starts
# the 32-bit loader for every program, which fails on a kernel that cannot
# run 32-bit programs (ci/wine_arch.py says more).
#   wepoll_wine64 wineboot -i
wepoll_wine64() {
  local loader
  loader=$(python3 "$(wepoll_repo_root)/ci/wine_arch.py" loader x64) || {
    echo "error: $loader" >&2
    return 1
  }
  # Told where it is, as ci/wine_arch.py's command_for() tells every loader.
  WINELOADER=$loader "$loader" "$@"
}

# Whether this kernel can execute 32-bit x86 programs, asked once per run
# (ci/wine_arch.py probe: a tiny static i386 program, no library needed).
# Sets WEPOLL_KERNEL32=1|0 and WEPOLL_KERNEL32_REASON, not exported: a
# script started from here (with another WEPOLL_FORCE_NO_32BIT) asks again.
wepoll_probe_kernel32() {
  [ -n "${WEPOLL_KERNEL32:-}" ] && return 0
  local answer
  if answer=$(python3 "$(wepoll_repo_root)/ci/wine_arch.py" probe); then
    WEPOLL_KERNEL32=1
    WEPOLL_KERNEL32_REASON=""
  else
    WEPOLL_KERNEL32=0
    WEPOLL_KERNEL32_REASON=${answer#no: }
  fi
}

# True when x86 programs can run here: the kernel runs 32-bit programs and
# 32-bit Wine is installed.
wepoll_x86_runnable() {
  wepoll_probe_kernel32
  [ "$WEPOLL_KERNEL32" = 1 ] && [ -x /usr/lib/wine/wine ]
}

# 32-bit Wine on an amd64 Debian needs the i386 architecture and the
# wine32:i386 package, and a kernel that can run 32-bit programs: the probe
# comes first, and where it fails nothing is installed (an installed but
# unrunnable wine32 is harmless to us, since x64 programs never go through
# it, but it would break plain `wine` for the user).  Failure here is not
# fatal: the caller does not run the x86 programs and prints why.
wepoll_install_wine32() {
  local arch
  wepoll_probe_kernel32
  if [ "$WEPOLL_KERNEL32" != 1 ]; then
    WEPOLL_WINE32_REASON=$WEPOLL_KERNEL32_REASON
    return 1
  fi
  arch=$(dpkg --print-architecture)
  if [ "$arch" = i386 ]; then
    # A 32-bit system: the native wine package already is 32-bit Wine.
    WEPOLL_HAVE_WINE32=1
    return 0
  fi
  if [ "$arch" != amd64 ]; then
    WEPOLL_WINE32_REASON="32-bit Wine needs an amd64 host, this one is $arch"
    return 1
  fi
  if ! wepoll_pkg_installed wine32:i386; then
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
      wepoll_log "enabling the i386 architecture for wine32"
      if ! wepoll_as_root dpkg --add-architecture i386; then
        WEPOLL_WINE32_REASON="dpkg --add-architecture i386 failed"
        return 1
      fi
      WEPOLL_APT_UPDATED=0 # the i386 package lists are not there yet
    fi
    wepoll_apt_update_once
    wepoll_log "installing wine32:i386"
    local out
    out=$(mktemp)
    if ! wepoll_apt_saving_output "$out" install --no-install-recommends \
        wine32:i386; then
      # Name apt's own verdict in the reason, so the final summary says it.
      WEPOLL_WINE32_REASON="apt-get install wine32:i386 failed: $(grep '^E:' "$out" | tail -n 1)"
      if [ -n "$WEPOLL_APT_UPDATE_ERRORS" ]; then
        WEPOLL_WINE32_REASON+=" (after apt-get update failed: $WEPOLL_APT_UPDATE_ERRORS)"
      fi
      rm -f "$out"
      return 1
    fi
    rm -f "$out"
  fi
  # Judged by the result, not by what apt said on the way.
  if ! wepoll_pkg_installed wine32:i386; then
    WEPOLL_WINE32_REASON="wine32:i386 is not installed after apt-get install succeeded"
    return 1
  fi
  if [ ! -x /usr/lib/wine/wine ]; then
    WEPOLL_WINE32_REASON="wine32:i386 is installed but /usr/lib/wine/wine is missing"
    return 1
  fi
  WEPOLL_HAVE_WINE32=1
}

# Points WINEPREFIX at <build dir>/wineprefix and makes sure that prefix is
# fully initialised.  This must happen before meson runs anything under Wine:
# a prefix that is first created by a test running inside `meson test`
# (several Wine processes racing to build it) can stay half-made.
# WEPOLL_SHARED_WINEPREFIX, when set, names the one prefix to use instead:
# ci/test.sh sets it for the builds it runs one after another (a prefix is
# 1.3 GB and 20 s to make; one made where x86 programs run serves both).
wepoll_wine_prefix() {
  local builddir=$1 stamp want
  mkdir -p "$builddir"
  export WINEPREFIX
  if [ -n "${WEPOLL_SHARED_WINEPREFIX:-}" ]; then
    mkdir -p "$(dirname "$WEPOLL_SHARED_WINEPREFIX")"
    WINEPREFIX=$(cd "$(dirname "$WEPOLL_SHARED_WINEPREFIX")" && pwd)/$(basename "$WEPOLL_SHARED_WINEPREFIX")
  else
    WINEPREFIX=$(cd "$builddir" && pwd)/wineprefix
  fi
  export WINEDEBUG=-all
  # Wine wants a home directory; a bare CI environment may not set HOME.
  if [ -z "${HOME:-}" ]; then
    HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
    export HOME
  fi
  stamp=$WINEPREFIX/.wepoll-prefix-ready
  # The stamp records whether 32-bit programs could run when the prefix was
  # made: a prefix created without them cannot run them later on.
  want="wine32=0"
  wepoll_x86_runnable && want="wine32=1"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  if [ -e "$WINEPREFIX" ]; then
    wepoll_log "recreating incomplete or outdated Wine prefix $WINEPREFIX"
    wineserver -k >/dev/null 2>&1 || true
    rm -rf "$WINEPREFIX"
  fi
  wepoll_log "creating Wine prefix $WINEPREFIX (wineboot -i)"
  # An empty override for mscoree/mshtml stops wineboot from offering to
  # download Mono and Gecko, which would block or fail without a display.
  if ! WINEDLLOVERRIDES="mscoree,mshtml=" wepoll_wine64 wineboot -i </dev/null; then
    echo "error: wineboot -i failed for $WINEPREFIX" >&2
    return 1
  fi
  # wineboot returns before every process it started is done; wait for the
  # prefix's wineserver to go idle so the registry is completely written.
  wineserver -w
  echo "$want" >"$stamp"
}

# Stops the wineserver of the current WINEPREFIX (and every Wine process in
# it): leaves nothing running behind a CI job.
wepoll_wine_stop() {
  if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then
    wineserver -k >/dev/null 2>&1 || true
  fi
}

# Configures (or re-configures) a build directory for one architecture.
#   wepoll_meson_setup <x86_64|i686> <builddir> [extra meson args...]
# Re-configuring on every run picks up test folders that appeared since the
# last run (the top-level meson.build looks for them at configure time).
wepoll_meson_setup() {
  local arch=$1 builddir=$2 root overlay
  shift 2
  root=$(wepoll_repo_root)
  mkdir -p "$builddir"
  builddir=$(cd "$builddir" && pwd)
  if [ "$arch" = i686 ] && [ "${WEPOLL_HAVE_WINE32:-0}" != 1 ]; then
    # Where x86 programs cannot run (no 32-bit Wine, or a kernel without
    # IA32 emulation), Meson's compiler check must not start one; this
    # overlay names an exe_wrapper that does not exist, which makes Meson
    # treat the x86 binaries as not runnable (build only).
    overlay=$builddir/no-exe-wrapper.txt
    printf '[binaries]\nexe_wrapper = %s\n' \
      "'wepoll-x86-programs-cannot-run-here'" >"$overlay"
  else
    # Wine through ci/wine_run.py, which retries Wine's own start-up
    # failure and nothing else.  An overlay, because a cross file cannot
    # name a path relative to itself before Meson 1.3 (@DIRNAME@); the
    # cross files name plain `wine`, for a setup by hand.
    overlay=$builddir/wine-run.txt
    printf '[binaries]\nexe_wrapper = %s\n' \
      "'$root/ci/wine_run.py'" >"$overlay"
  fi
  local cross=("--cross-file" "$root/ci/$arch-w64-mingw32.txt"
               "--cross-file" "$overlay")
  # --reconfigure keeps the cross files of the first setup: a directory
  # set up with others (an older checkout, or before 32-bit Wine was
  # installed) is configured afresh; its build outputs and Wine prefix stay.
  if [ -f "$builddir/meson-private/coredata.dat" ] &&
     ! grep -qF "'$overlay'" "$builddir/meson-private/cmd_line.txt"; then
    wepoll_log "$builddir was set up with other cross files: configuring it afresh"
    rm -rf "$builddir/meson-private"
  fi
  if [ -f "$builddir/meson-private/coredata.dat" ]; then
    meson setup --reconfigure "${cross[@]}" "$@" "$builddir" "$root"
  else
    meson setup "${cross[@]}" "$@" "$builddir" "$root"
  fi
}

# Run directly: install only.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  if [ "${1:-}" = --x64 ]; then
    wepoll_install x64 full
  else
    wepoll_install x86 full
    if [ "$WEPOLL_HAVE_WINE32" != 1 ]; then
      wepoll_warn_loud "32-bit Wine is not available: $WEPOLL_WINE32_REASON"
    fi
  fi
  wepoll_log "all required packages are installed"
fi
