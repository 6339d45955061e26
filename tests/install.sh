#!/bin/sh
# libsamlab as another project uses it: make install into a temporary DESTDIR, build tests/external/sam_step.c
# with `pkg-config --cflags --libs samlab` alone (and -std=c11 -pedantic -Werror: the public headers are clean
# C11), run it against the installed library, and check its one SAM step against the value worked out by hand.
# Run by make check, from the top of the build tree; leaves nothing behind.
set -eu
srcdir=${srcdir:-.}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/samlab-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
fail() { echo "install.sh: $*" >&2; exit 1; }

# Where make install puts things: the build tree's samlab.pc names the configured prefix and libdir.
prefix=$(pkg-config --variable=prefix ./samlab.pc)
libdir=$(pkg-config --variable=libdir ./samlab.pc)

# A make of its own (make check's flags and jobserver are not for it); its output only on failure.
if ! (unset MAKEFLAGS MFLAGS; ${MAKE:-make} install DESTDIR="$tmp") >"$tmp/install.log" 2>&1; then
  tail -20 "$tmp/install.log" >&2; fail "make install DESTDIR=$tmp failed"
fi
pcdir=$tmp$libdir/pkgconfig
[ -f "$pcdir/samlab.pc" ] || fail "no samlab.pc installed in $pcdir"

# With DESTDIR the installed samlab.pc still names the final prefix: --define-variable=prefix points it at the
# copy under $tmp (libdir and includedir derive from prefix).  PKG_CONFIG_SYSROOT_DIR would not do: pkgconf puts
# the sysroot before every package's paths, HDF5's /usr/include/hdf5/serial too.  (The override reaches other
# packages' own prefix variables as well; on Debian that only adds an include directory that does not exist.)
PKG_CONFIG_PATH=$pcdir
export PKG_CONFIG_PATH
pc() { pkg-config --define-variable=prefix="$tmp$prefix" "$@"; }
[ "$(pc --variable=libdir samlab)" = "$tmp$libdir" ] ||
  { echo "install.sh: libdir $libdir is not under prefix $prefix: the DESTDIR copy cannot be found" >&2; exit 77; }
flags=$(pc --cflags --libs samlab)
# A library built with --enable-sanitizers needs the sanitizer runtime in the program too.
san=
ldd "$tmp$libdir/libsamlab.so" 2>/dev/null | grep -q libasan && san="-fsanitize=address,undefined"

# $flags and $san are word-split on purpose.
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -pedantic -Wall -Wextra -Werror $san -o "$tmp/sam_step" "$srcdir/tests/external/sam_step.c" $flags ||
  fail "the external program does not build with: $flags"
LD_LIBRARY_PATH=$tmp$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
if command -v ldd >/dev/null; then
  ldd "$tmp/sam_step" | grep -q "$tmp$libdir/libsamlab.so" || fail "sam_step does not load the installed libsamlab"
fi
out=$("$tmp/sam_step") || fail "sam_step failed"

# One SAM step by hand: f = 0.5 w^T A w, A = diag(1, 10), w = (1, 1): g = A w = (1, 10), ||g|| = sqrt(101);
# eps = rho g/||g||, rho = 0.05; g_s = A (w + eps) = (1 + 0.05/sqrt(101), 10 + 5/sqrt(101));
# w' = w - lr g_s, lr = 0.1: (0.9 - 0.005/sqrt(101), -0.5/sqrt(101)).
echo "$out" | awk 'function abs(x) { return x < 0 ? -x : x }
  BEGIN { n = sqrt(101); want[1] = 0.9 - 0.005 / n; want[2] = -0.5 / n }
  NR == 1 && NF == 2 { ok = abs($1 - want[1]) < 1e-12 && abs($2 - want[2]) < 1e-12 }
  END { if (NR != 1 || !ok) { printf "install.sh: sam_step printed \"%s\", want %.17g %.17g\n", $0, want[1], want[2]
                              exit 1 } }' >&2
echo "installed libsamlab: external SAM step ok ($out)"
