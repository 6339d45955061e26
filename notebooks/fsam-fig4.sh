#!/bin/sh
# F-SAM (Li et al. 2024) Figure 4: test accuracy of SAM and F-SAM over the batch size; the paper: F-SAM's gain over SAM holds for every batch size.
# Here fcn on Fashion-MNIST (named in the table), SGD momentum 0.9, lr 0.05 cosine, batch 128 unless swept,
# rho 0.05 unless swept; one seed at quick scale, three at full.  fsam-fig4.tsv: rule, batch, best test accuracy (the
# papers report the best over epochs), mean and s.d. over seeds.  Reported as measured, not tuned.
# SCALE=quick is a smoke test only: the nets are far from trained (quick (2000 examples, 2 epochs): SAM 62.0 / 22.9 %, F-SAM 61.9 / 22.8 % at batch 64 / 256), so
# it cannot test the claim; SCALE=full can.
#
# Environment: OUT (default out/fsam-fig4), PYTHON (with h5py, default /usr/bin/python3), SCALE (quick: fcn
# 784-128-128-10 on 2000 examples, 2 epochs, batch in {64 256}; full: 784-256-256-10 on all 60000, 10 epochs, batch in
# {32 64 128 256 512}), SAMLAB (default samlab).
set -eu
SAMLAB=${SAMLAB:-samlab}
OUT=${OUT:-out/fsam-fig4}
SCALE=${SCALE:-quick}
case "$SCALE" in
  quick) size="--train-size 2000 --hidden 128,128"; epochs=2; values="64 256"; seeds="1" ;;
  full) size="--hidden 256,256"; epochs=10; values="32 64 128 256 512"; seeds="1 2 3" ;;
  *) echo "fsam-fig4.sh: SCALE must be quick or full, not '$SCALE'" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
for rule in sam fsam; do
  for v in $values; do
    for s in $seeds; do
      $SAMLAB train --model fcn $size --rule $rule --base sgdm --momentum 0.9 --lr 0.05 --schedule cosine \
        --rho 0.05 --batch $v --epochs $epochs --seed $s --weights-every 0 --out "$OUT/$rule-$v-$s.h5"
    done
  done
done
${PYTHON:-/usr/bin/python3} - "$OUT" "sam fsam" "$values" "$seeds" <<'PY'
import sys, h5py, numpy as np
out, rules, values, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
rows = ["rule\tbatch\tbest_test_acc\tsd\tseeds"]
for rule in rules:
    for v in values:
        a = [100 * h5py.File(f"{out}/{rule}-{v}-{s}.h5", "r")["/epoch/test_acc"][:].max() for s in seeds]
        rows.append(f"{rule}\t{v}\t{np.mean(a):.2f}\t{np.std(a, ddof=1) if len(a) > 1 else 0:.2f}\t{len(a)}")
open(f"{out}/fsam-fig4.tsv", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
