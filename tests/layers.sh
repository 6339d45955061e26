#!/bin/sh
# The layers the build promises: lib <- toys <- analyses <- src.  A directory includes its own internal
# headers and the public headers (include/samlab/*.h) of its own layer and those below it; only src/ (and
# tests/, bench/, which may look inside anything) include the umbrella include/samlab.h.
#   tests/layers.sh [TOP]   check the tree at TOP (default $srcdir/..); exit 1 naming each forbidden include
# With SAMLAB_LAYERS_SELFTEST unset, the script first checks itself: a copy of lib/vec.c that includes
# samlab/toy.h must be refused, so the test cannot pass by checking nothing.
set -u
top=${1:-${srcdir:-.}}
[ -f "$top/include/samlab.h" ] || top=$top/..
[ -f "$top/include/samlab.h" ] || { echo "layers.sh: no include/samlab.h under $top" >&2; exit 2; }

# The layer of each public header: its module's directory.
public_layer() {
  case "$1" in
  samlab/toy.h) echo toys ;;
  samlab/analyses.h | samlab/bounds.h) echo analyses ;;
  samlab/*.h) echo lib ;;
  *) echo unknown ;;
  esac
}
rank() {
  case "$1" in lib) echo 0 ;; toys) echo 1 ;; analyses) echo 2 ;; src) echo 3 ;; *) echo 9 ;; esac
}

check_tree() {
  t=$1
  bad=0
  for f in $(cd "$t" && find lib toys analyses src include -name '*.[ch]' | sort); do
    case "$f" in
    include/samlab.h) continue ;;
    include/*) layer=$(public_layer "${f#include/}") ;;
    *) layer=${f%%/*} ;;
    esac
    dir=$(dirname "$f")
    for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$t/$f"); do
      [ "$inc" = config.h ] && continue
      if [ -f "$t/$dir/$inc" ]; then
        # An internal header, by its place in the tree: only its own directory tree may include it.
        target=$(cd "$t/$dir" && cd "$(dirname "$inc")" && pwd)/$(basename "$inc")
        owner=${target#$(cd "$t" && pwd)/}
        owner=${owner%%/*}
        if [ "$owner" != "$layer" ] && [ "$owner" != include ]; then
          echo "$f: includes \"$inc\", an internal header of $owner/ (only $owner/ may include it)"; bad=1
        fi
      elif [ "$inc" = samlab.h ]; then
        [ "$layer" = src ] || { echo "$f: includes the umbrella samlab.h (only src/ may; include the modules it needs)"; bad=1; }
      elif [ -f "$t/include/$inc" ]; then
        owner=$(public_layer "$inc")
        if [ "$(rank "$owner")" -gt "$(rank "$layer")" ]; then
          echo "$f: includes $inc of $owner/, a layer above $layer/ (lib <- toys <- analyses <- src)"; bad=1
        fi
      else
        echo "$f: includes \"$inc\", which is neither beside it nor a public header"; bad=1
      fi
    done
  done
  return $bad
}

if [ -z "${SAMLAB_LAYERS_SELFTEST:-}" ]; then
  tmp=$(mktemp -d) || exit 2
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/lib" "$tmp/toys" "$tmp/analyses" "$tmp/src"
  cp -r "$top/include" "$tmp/"
  printf '#include "samlab/vec.h"\n#include "samlab/toy.h"\n' > "$tmp/lib/vec.c"
  if check_tree "$tmp" >/dev/null; then
    echo "layers.sh: the self-check passed a lib/ file that includes samlab/toy.h: the checker is broken"; exit 1
  fi
fi
if check_tree "$top"; then
  echo "layers: every include in lib/ toys/ analyses/ src/ include/ respects lib <- toys <- analyses <- src"
else
  exit 1
fi
