#!/bin/sh
# F-SAM (Li et al. 2024) Figure 1 / Figure 2(a, b): SAM's ascent restricted to the full-gradient component of the
# mini-batch gradient (SAM-full) or to its noise component (SAM-noise), against SGD and SAM.  The full gradient is
# exact over the training subset at every step (the paper: "compute the full gradient for each iteration"), so
# the subset is small.  The paper's claim: SAM-full loses SAM's gain (at or below SGD), SAM-noise keeps or beats
# it.  The paper's own axes and data are not in its text; here fcn 784-128-10 on a Fashion-MNIST subset, SGDM,
# rho 0.1, with the orthogonal projection (the paper's printed cos(g, g_B) g is run as an ablation at full scale).
# Differences of a few tenths of a point are within seed noise at this scale: the full scale runs 3 seeds.
#
# Environment: OUT (default out/fsam-fig1), SCALE (quick: 2000 examples, 15 epochs, 1 seed; full: 4000
# examples, 40 epochs, seeds 1-3, plus the literal projection), SAMLAB (default samlab).
set -eu
SAMLAB=${SAMLAB:-samlab}
OUT=${OUT:-out/fsam-fig1}
SCALE=${SCALE:-quick}
case "$SCALE" in
  quick) size=2000; epochs=15; seeds="1"; projs="orth" ;;
  full) size=4000; epochs=40; seeds="1 2 3"; projs="orth literal" ;;
  *) echo "fsam-fig1.sh: SCALE must be quick or full, not '$SCALE'" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
for p in $projs; do
  for s in $seeds; do
    $SAMLAB decompose --variants sgd,sam,full,noise --proj $p --hidden 128 --train-size $size --epochs $epochs \
      --base sgdm --momentum 0.9 --lr 0.05 --rho 0.1 --batch 128 --seed $s --out "$OUT/decompose-$p-seed$s.h5" \
      | tee "$OUT/decompose-$p-seed$s.txt"
    $SAMLAB plot "$OUT/decompose-$p-seed$s.h5" \
      --title "F-SAM Fig. 1 on Fashion-MNIST fcn ($size examples, seed $s)" -o "$OUT/fsam-fig1-$p-seed$s.png"
  done
done
