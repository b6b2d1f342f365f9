# Sourced by the CI scripts that test CI itself: one line per check
# ("ok    WHAT" or "FAIL  WHAT: why"), a count of failures, and one closing
# line whose exit status is the scripts' result.

failures=0

ok() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }

check() { # check WHAT EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then
    ok "$1"
  else
    fail "$1: expected [$2], got [$3]"
  fi
}

contains() { # contains WHAT NEEDLE HAYSTACK
  case $3 in
    *"$2"*) ok "$1" ;;
    *) fail "$1: [$2] not in [$3]" ;;
  esac
}

checks_done() { # checks_done NAME: the closing line and the exit status
  if [ "$failures" -ne 0 ]; then
    echo "$1: $failures check(s) FAILED"
    exit 1
  fi
  echo "$1: all checks passed"
}
