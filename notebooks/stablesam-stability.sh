#!/bin/sh
# StableSAM (Tan et al. 2024) Figures 5-7 (Section 5.2): uniform-stability twin runs of SGD, SAM and StableSAM.
# S drops one random example, S' replaces one random example of S by it; same initialisation and batch order.
# Panels: ||w - w'|| / (||w|| + ||w'||) (issue 4's normalisation; Hardt et al.'s is in /distance_hardt), test -
# train loss, train - test accuracy, per epoch.  The paper uses fcn on MNIST and LeNet on CIFAR-10, 60 epochs,
# vanilla SGD, lr/batch/rho unstated; here fcn (and LeNet at full scale) on a Fashion-MNIST subset, lr 0.05,
# batch 128, rho 0.05.  Fig. 5: no weight decay; Fig. 6: wd 5e-4; Fig. 7: cosine lr.  The paper's claim to
# check: StableSAM's distance and gap curves lowest, SGD's twins diverging fastest.  Reported as measured.
#
# Environment: OUT (default out/stablesam-stability), SCALE (quick: fcn 784-500-500-10 on 2000 examples,
# 10 epochs, Fig. 5 only; full: 10000 examples, 30 epochs, Figs. 5-7, fcn and lenet), SAMLAB (default samlab).
set -eu
SAMLAB=${SAMLAB:-samlab}
OUT=${OUT:-out/stablesam-stability}
SCALE=${SCALE:-quick}
case "$SCALE" in
  quick) size=2000; epochs=10; models="fcn"; figs="5"; test="--test-size 5000" ;;
  full) size=10000; epochs=30; models="fcn lenet"; figs="5 6 7"; test="" ;;
  *) echo "stablesam-stability.sh: SCALE must be quick or full, not '$SCALE'" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
for m in $models; do
  for f in $figs; do
    case $f in 5) extra="" ;; 6) extra="--wd 5e-4" ;; 7) extra="--schedule cosine" ;; esac
    $SAMLAB stability --model $m --rules sgd,sam,stablesam --base sgd --lr 0.05 --rho 0.05 --batch 128 \
      --train-size $size $test --epochs $epochs --seed 1 $extra --out "$OUT/fig$f-$m.h5"
    $SAMLAB plot "$OUT/fig$f-$m.h5" --title "StableSAM Fig. $f on Fashion-MNIST $m ($size examples) $extra" \
      -o "$OUT/stablesam-fig$f-$m.png"
  done
done
