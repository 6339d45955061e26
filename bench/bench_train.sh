#!/bin/sh
# samlab's trainer and PyTorch side by side, one after the other in one run (run by hand from the build
# directory): bench/bench_train.sh [threads] [fraction].  Needs Debian's python3-torch.
threads=${1:-1}
frac=${2:-1}
srcdir=$(dirname "$0")
echo "== samlab (bench/bench_train $threads $frac)"
./bench/bench_train "$threads" "$frac" || exit 1
echo "== PyTorch (bench/torch_train.py $threads $frac)"
/usr/bin/python3 "$srcdir/torch_train.py" "$threads" "$frac"
