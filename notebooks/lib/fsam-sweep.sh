# Shared by notebooks/fsam-fig3.sh (rho) and notebooks/fsam-fig4.sh (batch size), which set, before sourcing it:
#   FIG     the recipe's name (fsam-fig3), also the table's name $OUT/$FIG.tsv
#   SWEPT   the samlab train option swept (rho or batch), the table's second column
#   FIXED   the other one, fixed ("--batch 128" or "--rho 0.05")
#   QUICK_VALUES, FULL_VALUES  the values of SWEPT at each scale
# SAM and F-SAM train fcn on Fashion-MNIST (SGD momentum 0.9, lr 0.05 cosine) at every value and seed; the table
# has the best test accuracy over epochs, mean and s.d. over seeds.  Not a recipe itself (samlab figures runs
# notebooks/*.sh only).
set -eu
SAMLAB=${SAMLAB:-samlab}
OUT=${OUT:-out/$FIG}
SCALE=${SCALE:-quick}
case "$SCALE" in
  quick) size="--train-size 2000 --hidden 128,128"; epochs=2; values="$QUICK_VALUES"; seeds="1" ;;
  full) size="--hidden 256,256"; epochs=10; values="$FULL_VALUES"; seeds="1 2 3" ;;
  *) echo "$FIG.sh: SCALE must be quick or full, not '$SCALE'" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
for rule in sam fsam; do
  for v in $values; do
    for s in $seeds; do
      $SAMLAB train --model fcn $size --rule $rule --base sgdm --momentum 0.9 --lr 0.05 --schedule cosine \
        $FIXED --$SWEPT $v --epochs $epochs --seed $s --weights-every 0 --out "$OUT/$rule-$v-$s.h5"
    done
  done
done
${PYTHON:-/usr/bin/python3} - "$OUT" "sam fsam" "$values" "$seeds" "$SWEPT" "$FIG" <<'PY'
import sys, h5py, numpy as np
out, rules, values, seeds, swept, fig = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split(), sys.argv[5], sys.argv[6]
rows = [f"rule\t{swept}\tbest_test_acc\tsd\tseeds"]
for rule in rules:
    for v in values:
        a = [100 * h5py.File(f"{out}/{rule}-{v}-{s}.h5", "r")["/epoch/test_acc"][:].max() for s in seeds]
        rows.append(f"{rule}\t{v}\t{np.mean(a):.2f}\t{np.std(a, ddof=1) if len(a) > 1 else 0:.2f}\t{len(a)}")
open(f"{out}/{fig}.tsv", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
