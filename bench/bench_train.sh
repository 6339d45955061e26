#!/bin/sh
# Run by hand from the build directory (needs Debian's python3-torch for the PyTorch half):
#   bench/bench_train.sh [threads] [fraction]   samlab's trainer and PyTorch one after the other, one run
#   bench/bench_train.sh accuracy [threads]     the sanity recipe: fcn, sgdm (momentum 0.9), lr 0.05,
#                                               batch 128, 5 epochs, sgd and sam (rho 0.05): test accuracy
srcdir=$(dirname "$0")
if [ "$1" = accuracy ]; then
  threads=${2:-1}
  for rule in sgd sam; do
    ./samlab train --model fcn --rule "$rule" --rho 0.05 --base sgdm --momentum 0.9 --lr 0.05 --batch 128 \
      --epochs 5 --seed 1 --threads "$threads" --out "sanity-$rule.h5" || exit 1
  done
  exit 0
fi
threads=${1:-1}
frac=${2:-1}
echo "== samlab (bench/bench_train $threads $frac)"
./bench/bench_train "$threads" "$frac" || exit 1
echo "== PyTorch (bench/torch_train.py $threads $frac)"
/usr/bin/python3 "$srcdir/torch_train.py" "$threads" "$frac"
