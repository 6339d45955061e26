#!/bin/sh
# Remakes the seed corpora fuzz/corpus/NAME from small real samlab files.  Run from the build directory after
# `make fuzz` (which builds fuzz/build/h5ops):  sh SRCDIR/fuzz/make-seeds.sh SRCDIR
# Needs python3 (to write the IDX files).  The seeds are committed; run this again when a file layout changes.
set -eu
src=${1:-.}
samlab=$(pwd)/samlab
h5ops=$(pwd)/fuzz/build/h5ops
corpus=$(cd "$src" && pwd)/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$corpus/idx_plain" "$corpus/idx_gzip" "$corpus/cifar" "$corpus/resume" "$corpus/checkpoint" "$corpus/plot" \
  "$corpus/merge" "$corpus/cli"

# IDX: 200 training and 50 test images of 12 x 12 (the fuzzers' trainer shape), and tiny pairs for the IDX seeds.
python3 - "$tmp" "$corpus" <<'PY'
import gzip, struct, sys
tmp, corpus = sys.argv[1], sys.argv[2]
def images(n, r, c):
    return struct.pack('>IIII', 2051, n, r, c) + bytes((7 * i + j) % 256 for i in range(n) for j in range(r * c))
def labels(n):
    return struct.pack('>II', 2049, n) + bytes(i % 10 for i in range(n))
for part, n in (('train', 200), ('t10k', 50)):
    with gzip.open('%s/%s-images-idx3-ubyte.gz' % (tmp, part), 'wb') as f:
        f.write(images(n, 12, 12))
    with gzip.open('%s/%s-labels-idx1-ubyte.gz' % (tmp, part), 'wb') as f:
        f.write(labels(n))
# the IDX harnesses' input: two bytes (the image part's length), the image file, the label file
for name, (n, r, c) in {'3x2x3': (3, 2, 3), '5x4x4': (5, 4, 4), '10x12x12': (10, 12, 12)}.items():
    im = images(n, r, c)
    seed = struct.pack('>H', len(im)) + im + labels(n)
    for h in ('idx_plain', 'idx_gzip'):
        open('%s/%s/%s' % (corpus, h, name), 'wb').write(seed)
    open('%s/idx_plain/%s-gz' % (corpus, name), 'wb').write(
        struct.pack('>H', len(gzip.compress(im))) + gzip.compress(im) + gzip.compress(labels(n)))
# the CIFAR harness's input (fuzz/fuzz_cifar.c): mode, train and test records, size change + 128, record bytes
import os
os.makedirs('%s/cifar' % corpus, exist_ok=True)
for name, mode, ntrain, ntest in (('cifar10', 0, 1, 1), ('cifar10-inner', 4, 2, 1), ('cifar100-fine', 1, 1, 2),
                                  ('cifar100-coarse', 3, 1, 1)):
    open('%s/cifar/%s' % (corpus, name), 'wb').write(bytes([mode, ntrain, ntest, 128]) + bytes(range(7)))
PY

cd "$tmp"
S="$samlab"
$S train --data-dir . --model fcn --hidden 16 --rule sam --batch 32 --epochs 1 --out train.h5 >/dev/null 2>&1
$S train --data-dir . --model fcn --hidden 16 --rule sam --batch 32 --epochs 2 --trace-geometry --weights-every 1 \
  --out train-geometry.h5 >/dev/null 2>&1
$S toy --function quartic --rule sam --steps 20 --out toy.h5 >/dev/null
$S toy --function quadratic --diag 1,10 --rule sgd --steps 10 --record-eps --out toy-quadratic.h5 >/dev/null
$S sweep --rules sgd,sam --rho 0.05 --lr-count 2 --starts 6 --steps 10 --keep-endpoints --out sweep.h5 >/dev/null
$S sweep --rules sgd,sam --rho 0.05 --lr-count 2 --starts 6 --steps 10 --shard 0/2 --out shard0.h5 >/dev/null
$S sweep --rules sgd,sam --rho 0.05 --lr-count 2 --starts 6 --steps 10 --shard 1/2 --out shard1.h5 >/dev/null
$S hessian --function quartic --k 2 --density --slq-grid 20 --out hessian.h5 >/dev/null
$S slice --function quartic --points 9 --out slice.h5 >/dev/null
$S gradnorm --function asym-valley --toy-options noise=0.5,1 --batches 50 --trace train.h5 --out gradnorm.h5 >/dev/null
$S stability --data-dir . --hidden 16 --train-size 100 --batch 50 --epochs 1 --rules sgd,sam --out stability.h5 >/dev/null
$S decompose --data-dir . --hidden 16 --train-size 100 --batch 50 --epochs 1 --out decompose.h5 >/dev/null
$S bounds --quick --out bounds.h5 >/dev/null
for f in train train-geometry; do
  "$h5ops" $f.h5 > "$corpus/resume/$f"
  { printf '\377'; cat "$corpus/resume/$f"; } > "$corpus/checkpoint/$f-last"
  { printf '\001'; cat "$corpus/resume/$f"; } > "$corpus/checkpoint/$f-epoch1"
done
for f in *.h5; do
  case $f in shard*) continue ;; esac
  "$h5ops" "$f" > "$corpus/plot/${f%.h5}"
done
"$h5ops" shard0.h5 > a.ops
"$h5ops" shard1.h5 > b.ops
python3 - a.ops b.ops "$corpus/merge/two-shards" <<'PY'
import struct, sys
a, b = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
open(sys.argv[3], 'wb').write(struct.pack('>H', len(a)) + a + b)
PY
# the command-line parser: arguments separated by NUL bytes
printf -- '--flag\0--text\0abc\0--number\0-1.5e-3\0--integer\0-42\0--list\01,2.5,-3\0--out\0x.h5\0A\0B' > "$corpus/cli/all"
printf -- '--lr\0 0.05\0--rho=0.1\0--ascent\0raw\0--stable\0-n\00x10\0--k\0003' > "$corpus/cli/hyper"
printf -- '--lr\0001e-400\0--lr\0000.2\0-f\0-f\0--help' > "$corpus/cli/twice"
printf -- '--number\0inf\0--integer\0099999999999999999999\0--list\0001,,2\0--out\0/dev/null' > "$corpus/cli/bad"
ls "$corpus"/* | wc -l
