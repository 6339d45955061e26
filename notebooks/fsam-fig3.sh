#!/bin/sh
# F-SAM (Li et al. 2024) Figure 3: test accuracy of SAM and F-SAM over the perturbation radius rho; the paper: F-SAM is more robust to rho (degrades less at large rho).
# Here fcn on Fashion-MNIST (named in the table), SGD momentum 0.9, lr 0.05 cosine, batch 128 unless swept,
# rho 0.05 unless swept; one seed at quick scale, three at full.  fsam-fig3.tsv: rule, rho, best test accuracy (the
# papers report the best over epochs), mean and s.d. over seeds.  Reported as measured, not tuned.
# SCALE=quick is a smoke test only: the nets are far from trained (quick (2000 examples, 2 epochs): SAM 28.9 / 11.2 %, F-SAM 29.3 / 12.6 % at rho 0.05 / 0.5), so
# it cannot test the claim; SCALE=full can.
#
# Environment: OUT (default out/fsam-fig3), PYTHON (with h5py, default /usr/bin/python3), SCALE (quick: fcn
# 784-128-128-10 on 2000 examples, 2 epochs, rho in {0.05 0.5}; full: 784-256-256-10 on all 60000, 10 epochs, rho in
# {0.02 0.05 0.1 0.2 0.5 1.0}), SAMLAB (default samlab).
set -eu
SAMLAB=${SAMLAB:-samlab}
OUT=${OUT:-out/fsam-fig3}
SCALE=${SCALE:-quick}
case "$SCALE" in
  quick) size="--train-size 2000 --hidden 128,128"; epochs=2; values="0.05 0.5"; seeds="1" ;;
  full) size="--hidden 256,256"; epochs=10; values="0.02 0.05 0.1 0.2 0.5 1.0"; seeds="1 2 3" ;;
  *) echo "fsam-fig3.sh: SCALE must be quick or full, not '$SCALE'" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
for rule in sam fsam; do
  for v in $values; do
    for s in $seeds; do
      $SAMLAB train --model fcn $size --rule $rule --base sgdm --momentum 0.9 --lr 0.05 --schedule cosine \
        --batch 128 --rho $v --epochs $epochs --seed $s --weights-every 0 --out "$OUT/$rule-$v-$s.h5"
    done
  done
done
${PYTHON:-/usr/bin/python3} - "$OUT" "sam fsam" "$values" "$seeds" <<'PY'
import sys, h5py, numpy as np
out, rules, values, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
rows = ["rule\trho\tbest_test_acc\tsd\tseeds"]
for rule in rules:
    for v in values:
        a = [100 * h5py.File(f"{out}/{rule}-{v}-{s}.h5", "r")["/epoch/test_acc"][:].max() for s in seeds]
        rows.append(f"{rule}\t{v}\t{np.mean(a):.2f}\t{np.std(a, ddof=1) if len(a) > 1 else 0:.2f}\t{len(a)}")
open(f"{out}/fsam-fig3.tsv", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
