#!/bin/sh
# WSAM (Yue et al. 2023) Figure 1, "how WSAM updates on the choice of gamma": a schematic in the paper (no data).
# Here drawn from a real step: at the quartic's point (-1.5, 0.5) with rho 0.5, the clean gradient g~ (from
# samlab toy: ||g~|| = /grad_norm and its direction from /eps = rho g~/||g~||) and the perturbed gradient g
# (from one plain-SGD sam step with lr 1: g = w0 - w1), and WSAM's direction
# gamma/(1-gamma) g + (1-2gamma)/(1-gamma) g~ = g~ + gamma/(1-gamma)(g - g~) for gamma 0, 0.5, 0.8, 0.9.
# The paper's statement it illustrates: every WSAM direction lies on the line through g~ and g; gamma = 0 is
# plain gradient descent, gamma = 0.5 is SAM, and gamma > 0.5 moves beyond g, weighting the sharpness term
# (g - g~) by gamma/(1-gamma).  wsam-fig1.tsv lists the vectors.
#
# Environment: OUT (default out/wsam-fig1), PYTHON (with h5py, default /usr/bin/python3), SCALE (quick|full: the
# same), SAMLAB (default samlab).
set -eu
SAMLAB=${SAMLAB:-samlab}
OUT=${OUT:-out/wsam-fig1}
SCALE=${SCALE:-quick}
case "$SCALE" in quick|full) ;; *) echo "wsam-fig1.sh: SCALE must be quick or full, not '$SCALE'" >&2; exit 2 ;; esac
mkdir -p "$OUT"
$SAMLAB toy --function quartic --rule sam --base sgd --lr 1 --rho 0.5 --steps 1 --init -1.5,0.5 --record-eps \
  --out "$OUT/step.h5"
${PYTHON:-/usr/bin/python3} - "$OUT" <<'PY'
import sys, h5py, numpy as np
out = sys.argv[1]
f = h5py.File(f"{out}/step.h5", "r")
w = f["/trajectory"][:]; eps = f["/eps"][0]; gn = f["/grad_norm"][0]
gt = eps / np.linalg.norm(eps) * gn      # clean gradient g~
gs = w[0] - w[1]                          # perturbed gradient g (lr 1, plain sgd)
rows = ["name\tx\ty"]
rows.append(f"g~ (clean) = WSAM gamma 0\t{gt[0]:.6f}\t{gt[1]:.6f}")
rows.append(f"g (perturbed) = SAM = WSAM gamma 0.5\t{gs[0]:.6f}\t{gs[1]:.6f}")
for gam in (0.0, 0.5, 0.8, 0.9):
    d = gt + gam / (1 - gam) * (gs - gt)
    rows.append(f"WSAM gamma {gam}\t{d[0]:.6f}\t{d[1]:.6f}")
open(f"{out}/wsam-fig1.tsv", "w").write("\n".join(rows) + "\n")
print("\n".join(rows))
PY
for term in "pngcairo size 700,600" "svg size 700,600"; do
  ext=png; case "$term" in svg*) ext=svg ;; esac
  gnuplot <<GP
set terminal $term noenhanced
set output "$OUT/wsam-fig1.$ext"
set title "WSAM Fig. 1 (drawn from a quartic step at (-1.5, 0.5), rho 0.5): update directions"
set datafile separator "\t"
set key off; set grid; set xlabel "x1 component"; set ylabel "x2 component"
set xrange [*:12]; set yrange [-1:*]
# gamma 0 coincides with g~ and gamma 0.5 with g: drawn once; every direction lies on the dashed line
plot "$OUT/wsam-fig1.tsv" every ::1::6 using 2:3 with lines dt 2 lc "gray", \
     "$OUT/wsam-fig1.tsv" every ::1::2 using (0):(0):2:3 with vectors head filled lw 2 lc "black", \
     "$OUT/wsam-fig1.tsv" every ::5::6 using (0):(0):2:3 with vectors head filled lw 2 lc "red", \
     "$OUT/wsam-fig1.tsv" every ::1::2 using 2:3:1 with labels offset 0,1.2 notitle, \
     "$OUT/wsam-fig1.tsv" every ::5::6 using 2:3:1 with labels offset 0,1.2 tc "red" notitle
GP
done
