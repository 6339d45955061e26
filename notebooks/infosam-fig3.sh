#!/bin/sh
# infoSAM Figure 3 (App. C): the asymmetric valley, sharp on one side (a = 1) and flat on the other (b = 0.04).
# The paper draws it without constants; ours are the shared notes' (presam-infosam.md 7.2, toy asym-valley):
# lr 0.1, rho 0.5 (normalised ascent), gradient noise shared by both gradients of a step.
# Row 1 starts in the sharp side (x0 = -3) and counts the first step with x >= 0 (escaping to the flat side);
# row 2 starts at x0 = +3 and counts the first step with x <= 1 (travelling down the flat side).
# 1-D (noise s.d. 0.5): every positive diagonal preconditioner gives eps = rho sign(g), so infoSAM = SAM there;
# the 2-D extension (a flat second coordinate carrying the noise, s.d. 0.1 and 2.0) is where infoSAM differs.
# The notes' own simulation (300 seeds): 1-D row 1: SGD noisy 41.8, SAM noisy 22.7; row 2: 257.8, 247.0.
# 2-D row 1: SGD 55.9, SAM 35.4, infoSAM (EMA, infosam-alpha 0.05) 20.7; row 2: 274.8, 267.2, 241.0.
# infosam-fig3.tsv holds our means (runs that never cross within the steps count as the step limit and are
# counted in the "never" column).  The paper's claim: SAM-type rules leave the sharp side faster than SGD, and
# infoSAM (noise-aware) faster than SAM.
# What SCALE=quick (10 seeds, seed 1..10) gives: 2-D row 1 SGD 59.5, SAM 34.7, infoSAM 20.8 (the paper's
# ordering, and the notes' values within seed noise); row 2 262.8, 256.1, 235.9.  1-D row 1 SGD 39.0, SAM 22.0;
# noise-free SAM 19 and SGD never (x_t = -3 0.9^t), as the notes.  1-D row 2 (noisy SGD 211.4, SAM 208.8)
# is well below the notes' 257.8 / 247.0: our noise makes the flat-side descent faster on average with these
# 10 seeds; the ordering is the same.  Not tuned.
# What SCALE=full (300 seeds, run 2026-11-23, 115 s) gives: 2-D row 1 SGD 56.3, SAM 35.1, infoSAM 20.6; row 2
# 273.6, 266.8, 241.1; 1-D row 1 SGD 41.4, SAM 22.2; row 2 254.9, 245.1: the notes' 300-seed values (55.9, 35.4,
# 20.7; 274.8, 267.2, 241.0; 41.8, 22.7; 257.8, 247.0) within seed noise, row 2 of 1-D included.
#
# Environment: OUT (default out/infosam-fig3), PYTHON (with h5py, default /usr/bin/python3), SCALE (quick: 10
# seeds; full: 300 seeds), SAMLAB (default samlab).
set -eu
SAMLAB=${SAMLAB:-samlab}
OUT=${OUT:-out/infosam-fig3}
SCALE=${SCALE:-quick}
case "$SCALE" in quick) seeds=10 ;; full) seeds=300 ;;
  *) echo "infosam-fig3.sh: SCALE must be quick or full, not '$SCALE'" >&2; exit 2 ;; esac
mkdir -p "$OUT/runs"
common="--function asym-valley --lr 0.1 --rho 0.5 --steps 600"
s=1
while [ $s -le $seeds ]; do
  for rule in sgd sam; do
    $SAMLAB toy $common --toy-options dim=1 --noise 0.5 --rule $rule --init -3 --seed $s --out "$OUT/runs/1d-r1-$rule-$s.h5" >/dev/null
    $SAMLAB toy $common --toy-options dim=1 --noise 0.5 --rule $rule --init 3 --seed $s --out "$OUT/runs/1d-r2-$rule-$s.h5" >/dev/null
  done
  for rule in sgd sam infosam; do
    $SAMLAB toy $common --noise 0.1,2.0 --rule $rule --init -3,0 --seed $s --out "$OUT/runs/2d-r1-$rule-$s.h5" >/dev/null
    $SAMLAB toy $common --noise 0.1,2.0 --rule $rule --init 3,0 --seed $s --out "$OUT/runs/2d-r2-$rule-$s.h5" >/dev/null
  done
  s=$((s + 1))
done
# the noise-free references
for rule in sgd sam; do
  $SAMLAB toy $common --toy-options 'dim=1' --rule $rule --init -3 --out "$OUT/runs/1d-r1-$rule-exact.h5" >/dev/null
  $SAMLAB toy $common --toy-options 'dim=1' --rule $rule --init 3 --out "$OUT/runs/1d-r2-$rule-exact.h5" >/dev/null
done
${PYTHON:-/usr/bin/python3} - "$OUT" "$seeds" <<'PY'
import sys, h5py, numpy as np
out, seeds = sys.argv[1], int(sys.argv[2])
def first(path, row):
    x = h5py.File(path, "r")["/trajectory"][:, 0]
    hit = np.nonzero(x >= 0 if row == 1 else x <= 1)[0]
    return (int(hit[0]), 0) if len(hit) else (len(x) - 1, 1)
rows = ["dim\trow\trule\tnoise\tmean_first_step\tnever_crossed\truns"]
for dim, rules in (("1d", ("sgd", "sam")), ("2d", ("sgd", "sam", "infosam"))):
    for row in (1, 2):
        for rule in rules:
            v = [first(f"{out}/runs/{dim}-r{row}-{rule}-{s}.h5", row) for s in range(1, seeds + 1)]
            rows.append(f"{dim}\t{row}\t{rule}\tyes\t{np.mean([a for a, _ in v]):.1f}\t{sum(b for _, b in v)}\t{seeds}")
        if dim == "1d":
            for rule in rules:
                a, b = first(f"{out}/runs/1d-r{row}-{rule}-exact.h5", row)
                rows.append(f"1d\t{row}\t{rule}\tno\t{a}\t{b}\t1")
open(f"{out}/infosam-fig3.tsv", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
# seed 1's 2-D paths from the sharp side, over the contour
for rule in sgd sam infosam; do cp "$OUT/runs/2d-r1-$rule-1.h5" "$OUT/path-$rule.h5"; done
$SAMLAB plot "$OUT/path-sgd.h5" "$OUT/path-sam.h5" "$OUT/path-infosam.h5" -o "$OUT/infosam-fig3.png" \
  --title "infoSAM Fig. 3: asymmetric valley, 2-D, noise (0.1, 2.0), seed 1"
[ "$SCALE" = full ] || rm -rf "$OUT/runs"
