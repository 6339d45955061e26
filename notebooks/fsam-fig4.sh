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
# The commands are in notebooks/lib/fsam-sweep.sh, shared with fsam-fig3.sh.
set -eu
FIG=fsam-fig4 SWEPT=batch FIXED="--rho 0.05"
QUICK_VALUES="64 256" FULL_VALUES="32 64 128 256 512"
. "$(dirname "$0")/lib/fsam-sweep.sh"
