#!/bin/sh
# The label-noise tables: StableSAM Table 4 (SAM vs StableSAM), AE-SAM Table 3 (ERM, SAM, SS-SAM, LookSAM, AE-SAM,
# AE-LookSAM) and F-SAM Table 6 (SAM vs F-SAM): maximum test accuracy over epochs (as the papers report it,
# selected on the test set) after replacing a fraction of the training labels by a different class (samlab
# train --label-noise: chosen once, seeded; the test set stays clean).  The papers use CIFAR-10 with ResNets /
# WRN for 200 epochs; here fcn on Fashion-MNIST (named in the tables), one common recipe for every rule: SGD
# momentum 0.9, lr 0.05 cosine, wd 5e-4, batch 128, rho 0.05, rule defaults otherwise (looksam k 5 looksam-alpha 0.7,
# ae-sam (-1, 1), ss-sam p 0.5, fsam lambda 0.9 sigma 1).
# The papers' claims: accuracy falls with the noise rate; StableSAM >= SAM in every cell; AE-LookSAM about as
# robust as SAM while ERM and SS-SAM lose most at high noise; F-SAM above SAM at every level.
# label-noise.tsv: one line per rule and noise rate (mean and s.d. over seeds); checked as measured, not tuned.
# What SCALE=quick gives (seed 1; 3 epochs on 3000 examples is far from converged, max test accuracy 66-67% at
# 20% noise, so it exercises the pipeline rather than testing the claims): accuracy falls from 20% to 80% noise
# for every rule; StableSAM is below SAM at both rates (64.74 vs 65.89, 32.39 vs 32.80; against the paper);
# F-SAM below SAM at 20% (65.33 vs 65.89), above at 80% (33.50 vs 32.80); at 80% ERM (41.01) is above every
# SAM variant and AE-LookSAM (22.42) is lowest, the opposite of AE-SAM Table 3; LookSAM (k 5) lags at both.
#
# Environment: OUT (default out/label-noise), PYTHON (with h5py, default /usr/bin/python3), SCALE (quick: fcn
# 784-128-128-10 on 3000 examples, noise 20% and 80%, 3 epochs, seed 1; full: fcn 784-500-500-10 on all 60000,
# noise 20/40/60/80%, 15 epochs, seeds 1-3), SAMLAB (default samlab).
set -eu
SAMLAB=${SAMLAB:-samlab}
OUT=${OUT:-out/label-noise}
SCALE=${SCALE:-quick}
case "$SCALE" in
  quick) size="--train-size 3000 --hidden 128,128"; epochs=3; rates="0.2 0.8"; seeds="1" ;;
  full) size="--hidden 500,500"; epochs=15; rates="0.2 0.4 0.6 0.8"; seeds="1 2 3" ;;
  *) echo "label-noise.sh: SCALE must be quick or full, not '$SCALE'" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
rules="sgd sam stablesam ss-sam looksam ae-sam ae-looksam fsam"
for r in $rates; do
  for rule in $rules; do
    for s in $seeds; do
      $SAMLAB train --model fcn $size --rule $rule --base sgdm --momentum 0.9 --lr 0.05 --schedule cosine \
        --wd 5e-4 --batch 128 --rho 0.05 --epochs $epochs --seed $s --label-noise $r --weights-every 0 \
        --out "$OUT/$rule-noise$r-seed$s.h5"
    done
  done
done
${PYTHON:-/usr/bin/python3} - "$OUT" "$rates" "$rules" "$seeds" <<'PY'
import sys, h5py, numpy as np
out, rates, rules, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
best = {}
for r in rates:
    for rule in rules:
        v = [100 * h5py.File(f"{out}/{rule}-noise{r}-seed{s}.h5", "r")["/epoch/test_acc"][:].max() for s in seeds]
        best[rule, r] = (np.mean(v), np.std(v, ddof=1) if len(v) > 1 else 0.0, len(v))
lines = ["rule\tnoise\tmax_test_acc\tsd\tseeds"]
lines += [f"{rule}\t{r}\t{m:.2f}\t{sd:.2f}\t{n}" for (rule, r), (m, sd, n) in best.items()]
open(f"{out}/label-noise.tsv", "w").write("\n".join(lines) + "\n")
def table(title, cols):
    print(f"\n{title} (fcn on Fashion-MNIST, max test accuracy %)")
    print("noise\t" + "\t".join(cols))
    for r in rates:
        print(f"{float(r) * 100:.0f}%\t" + "\t".join(f"{best[c, r][0]:.2f}" for c in cols))
table("StableSAM Table 4", ["sam", "stablesam"])
table("AE-SAM Table 3", ["sgd", "sam", "ss-sam", "looksam", "ae-sam", "ae-looksam"])
table("F-SAM Table 6", ["sam", "fsam"])
for a, b in (("stablesam", "sam"), ("fsam", "sam")):
    worse = [r for r in rates if best[a, r][0] < best[b, r][0]]
    print(f"{a} below {b} at noise: {' '.join(worse) if worse else 'none'}")
PY
