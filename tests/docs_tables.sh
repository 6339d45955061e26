#!/bin/sh
# docs/rules.md and README.md hold the output of `samlab rules --markdown` (the rule and hyperparameter tables, from
# the registry and the parameter tables) between the marker comments below: this test fails naming the file that
# differs.  `sh tests/docs_tables.sh --update` (from the source directory, with ./samlab built) rewrites both.
# SAMLAB: the program (default ./samlab); srcdir: the source directory (set by make check).
set -u
samlab=${SAMLAB:-./samlab}
src=${srcdir:-.}
begin='<!-- samlab rules --markdown: begin -->'
end='<!-- samlab rules --markdown: end -->'
tables=$(mktemp) || exit 1
trap 'rm -f "$tables" "$tables.doc"' EXIT
"$samlab" rules --markdown >"$tables" || { echo "docs_tables.sh: '$samlab rules --markdown' failed"; exit 1; }
status=0
for doc in docs/rules.md README.md; do
  if [ "${1:-}" = --update ]; then
    awk -v tables="$tables" -v begin="$begin" -v end="$end" '
      $0 == begin { print; while ((getline line < tables) > 0) print line; skip = 1; next }
      $0 == end { skip = 0 }
      !skip { print }' "$src/$doc" >"$tables.doc" && cat "$tables.doc" >"$src/$doc"
  fi
  awk -v begin="$begin" -v end="$end" '$0 == end { on = 0 } on { print } $0 == begin { on = 1 }' "$src/$doc" \
    >"$tables.doc"
  if ! grep -qxF "$begin" "$src/$doc" || ! grep -qxF "$end" "$src/$doc"; then
    echo "$doc: no '$begin' ... '$end' section"; status=1
  elif ! diff -u "$tables.doc" "$tables" >/dev/null; then
    echo "$doc differs from '$samlab rules --markdown' (sh tests/docs_tables.sh --update rewrites it):"
    diff -u "$tables.doc" "$tables" | head -20; status=1
  fi
done
exit $status
