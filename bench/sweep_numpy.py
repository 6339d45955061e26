#!/usr/bin/python3
"""Vectorised numpy version of the StableSAM Figure 4 sweep (quartic, sgd / sam / stablesam over sgd), to compare
with bench/bench_sweep.  numpy runs on one core here (element-wise ufuncs are single-threaded).

    /usr/bin/python3 bench/sweep_numpy.py [starts] [lr_count]   (Debian python3-numpy; defaults 10000 and 5)

It prints 2-D steps per second per rule and the time the full sweep (7e9 steps) would take at that rate.
The arithmetic is the library's: eps = rho g/(||g|| + 1e-12), StableSAM g_s *= ||g||/(||g_s|| + 1e-12)."""
import sys
import time

import numpy as np

EPS = 1e-12


def grad(x, y):
    return x * x * x - y, y - x


def run(rule, lr, rho, x, y, steps=1000):
    x = x.copy()
    y = y.copy()
    dead = np.zeros(x.shape, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            gx, gy = grad(x, y)
            if rule != "sgd":
                n = np.sqrt(gx * gx + gy * gy)
                s = rho / (n + EPS)
                hx, hy = grad(x + s * gx, y + s * gy)
                if rule == "stablesam":
                    f = n / (np.sqrt(hx * hx + hy * hy) + EPS)
                    hx *= f
                    hy *= f
                gx, gy = hx, hy
            nx = x - lr * gx
            ny = y - lr * gy
            bad = ~((np.abs(nx) <= 1e8) & (np.abs(ny) <= 1e8))
            x = np.where(dead, x, nx)
            y = np.where(dead, y, ny)
            dead |= bad
    d1 = np.hypot(x - 1, y - 1)
    d2 = np.hypot(x + 1, y + 1)
    return np.mean(~dead & (np.minimum(d1, d2) <= 0.1))


def main():
    nstarts = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    nlr = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rng = np.random.default_rng(1)
    x0 = rng.uniform(-2, 2, nstarts)
    y0 = rng.uniform(-2, 2, nstarts)
    lrs = np.geomspace(0.001, 0.3, 100)[:: max(1, 100 // nlr)][:nlr]
    total = 0.0
    print(f"numpy {np.__version__}: quartic, {nlr} lr x {nstarts} starts x 1000 steps per rule (rho 0.5)")
    for rule in ("sgd", "sam", "stablesam"):
        t0 = time.perf_counter()
        for lr in lrs:
            run(rule, lr, 0.5, x0, y0)
        t = time.perf_counter() - t0
        rate = nlr * nstarts * 1000 / t
        share = 1e9 if rule == "sgd" else 3e9  # steps of this rule in the full sweep (sgd once per lr)
        total += share / rate
        print(f"{rule:10s} {rate:12.3g} steps/s")
    print(f"the full Figure 4 sweep (7e9 steps) would take {total:.0f} s on one core")


if __name__ == "__main__":
    main()
