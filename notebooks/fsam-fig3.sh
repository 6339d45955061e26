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
# The commands are in notebooks/lib/fsam-sweep.sh, shared with fsam-fig4.sh.
set -eu
FIG=fsam-fig3 SWEPT=rho FIXED="--batch 128"
QUICK_VALUES="0.05 0.5" FULL_VALUES="0.02 0.05 0.1 0.2 0.5 1.0"
. "$(dirname "$0")/lib/fsam-sweep.sh"
