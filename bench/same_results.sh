#!/bin/sh
# Same results before and after a change that must not change any (issue 12's "must not change").
#   sh bench/same_results.sh record SAMLAB DIR   run a fixed set of commands with the samlab program SAMLAB,
#                                                writing every result under DIR
#   sh bench/same_results.sh compare DIR1 DIR2   compare two such directories bit for bit (h5diff): every
#                                                dataset and attribute, except the root's provenance
#                                                attributes and wall-clock seconds; exit 1 on any difference.
#                                                Files of a renamed rule (random-sam, now ss-sam) are compared
#                                                under the new name; files only in DIR2 (new rules) are listed
#                                                as added, not compared
# Record before the change (from a build of the old commit), record after, then compare.  The set: toy runs
# of every rule over every base (quartic; plus --stable and raw ascent for sam), a noisy toy, one sweep
# (fast and generic kernels), a one-thread fcn and LeNet epoch on a seeded subset, hessian on a toy and on
# the fcn checkpoint, and bounds --quick.
set -eu
mode=${1:-}
case "$mode" in
record)
  [ $# -eq 3 ] || { echo "usage: same_results.sh record SAMLAB DIR" >&2; exit 2; }
  samlab=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
  mkdir -p "$3"; cd "$3"
  # Every command runs from DIR with relative output names, so the recorded command lines are alike.
  rules=$("$samlab" rules | awk '/^rules:/ {on = 1; next} /^[a-z]/ {on = 0} on {print $1}')
  for rule in $rules; do
    for base in sgd sgdm adam adamw; do
      "$samlab" toy --function quartic --rule "$rule" --base "$base" --lr 0.05 --steps 200 --init -1.5,0.5 \
        --seed 3 --out "toy-$rule-$base.h5" >/dev/null
    done
  done
  "$samlab" toy --function quartic --rule sam --base sgdm --lr 0.05 --stable --steps 200 --init -1.5,0.5 \
    --out toy-sam-stable.h5 >/dev/null
  "$samlab" toy --function quartic --rule sam --base sgd --lr 0.05 --ascent raw --steps 200 --init -1.5,0.5 \
    --out toy-sam-raw.h5 >/dev/null
  "$samlab" toy --function asym-valley --toy-options noise=0.5,0.5 --rule ss-sam --base sgdm --lr 0.1 \
    --steps 300 --init 1,1 --seed 7 --out toy-noisy.h5 >/dev/null
  "$samlab" sweep --rules sgd,sam,stablesam,ae-sam,gsam --rho 0.05,0.5 --starts 300 --steps 200 --seed 2 \
    --out sweep.h5 >/dev/null 2>&1
  "$samlab" train --model fcn --rule sam --base sgdm --lr 0.05 --train-size 2000 --epochs 1 --threads 1 \
    --seed 4 --out fcn.h5 >/dev/null 2>&1
  "$samlab" train --model lenet --rule ae-sam --base sgdm --lr 0.05 --train-size 1000 --epochs 1 \
    --threads 1 --seed 5 --out lenet.h5 >/dev/null 2>&1
  "$samlab" hessian --function quartic --at 0.3,0.2 --method both --k 2 --density --out hessian-toy.h5 >/dev/null 2>&1
  "$samlab" hessian --checkpoint fcn.h5 --examples 256 --k 2 --max-iter 30 --trace-probes 4 \
    --out hessian-fcn.h5 >/dev/null 2>&1
  "$samlab" bounds --quick --out bounds.h5 >/dev/null 2>&1 || true   # exit 1 only says a row failed
  ls *.h5 | wc -l | sed 's/$/ files recorded/'
  ;;
compare)
  [ $# -eq 3 ] || { echo "usage: same_results.sh compare DIR1 DIR2" >&2; exit 2; }
  # DIR1 is the older record.  A renamed rule's files are compared under the new name (RENAMED: old=new pairs);
  # files only in DIR2 are additions (rules registered since) and are listed, not compared.
  renamed="random-sam=ss-sam"
  differ=0; n=0
  for f in "$2"/*.h5; do
    name=$(basename "$f"); n=$((n + 1)); newname=$name
    for pair in $renamed; do newname=$(echo "$newname" | sed "s/-${pair%%=*}-/-${pair#*=}-/"); done
    if [ ! -f "$3/$newname" ]; then echo "missing in $3: $newname"; differ=1; continue; fi
    # Root attributes are provenance (version, command line, thread counts, BLAS kernel); seconds are wall time.
    if ! h5diff --exclude-attribute / --exclude-path /epoch/seconds --exclude-attribute /checkpoint \
        "$f" "$3/$newname" >/tmp/same_results.$$ 2>&1; then
      echo "DIFFERENT: $name"; head -20 /tmp/same_results.$$; differ=1
    fi
    echo "$newname" >>/tmp/same_results_seen.$$
  done
  added=0
  for f in "$3"/*.h5; do
    grep -qx "$(basename "$f")" /tmp/same_results_seen.$$ 2>/dev/null ||
      { added=$((added + 1)); echo "added: $(basename "$f")"; }
  done
  rm -f /tmp/same_results.$$ /tmp/same_results_seen.$$
  [ $differ -eq 0 ] &&
    echo "same results: $n files identical (provenance attributes and seconds aside; $added files added)"
  exit $differ
  ;;
*) echo "usage: same_results.sh record SAMLAB DIR | compare DIR1 DIR2" >&2; exit 2 ;;
esac
