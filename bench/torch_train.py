#!/usr/bin/env python3
"""PyTorch beside bench/bench_train (run by hand; Debian's python3-torch):

    /usr/bin/python3 bench/torch_train.py [threads] [fraction] [fcn|lenet] [--accuracy]

Seconds per epoch of SGD (momentum 0.9, lr 0.05) and SAM (rho 0.05: a second forward/backward at w + eps on
the same batch) on the same networks as samlab train (fcn 784-500-500-10 and LeNet-5), Fashion-MNIST scaled
to [0, 1], batch 128, float32, the given threads (one model only if named, as in bench_train).  With a fraction f < 1 only the first f of an epoch is
timed and scaled up, as in bench_train; each figure is given as the mean step and the median step
times the steps of an epoch, as in bench_train.  --accuracy also trains fcn 5 epochs with each and prints the test
accuracy (the issue's sanity recipe)."""
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = os.environ.get("SAMLAB_DATA", "/usr/share/datasets/fashion-mnist")


def idx(path):
    with gzip.open(path, "rb") as f:
        magic, = struct.unpack(">I", f.read(4))
        dims = struct.unpack(">" + "I" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def load(part):
    x = idx(f"{DATA}/{part}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    y = idx(f"{DATA}/{part}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def fcn():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 500), nn.ReLU(), nn.Linear(500, 500), nn.ReLU(),
                         nn.Linear(500, 10))


def lenet():
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84),
                         nn.ReLU(), nn.Linear(84, 10))


def step(model, opt, xb, yb, sam, rho=0.05):
    loss = F.cross_entropy(model(xb), yb)
    opt.zero_grad()
    loss.backward()
    if sam:
        params = [p for p in model.parameters()]
        with torch.no_grad():
            norm = torch.norm(torch.stack([p.grad.norm() for p in params]))
            eps = [rho * p.grad / (norm + 1e-12) for p in params]
            for p, e in zip(params, eps):
                p.add_(e)
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        with torch.no_grad():
            for p, e in zip(params, eps):
                p.sub_(e)
    opt.step()
    return loss.item()


def epoch_seconds(make, sam, x, y, frac):
    torch.manual_seed(1)
    model = make()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    perm = torch.randperm(len(x))
    nsteps = (len(x) + 127) // 128
    timed = max(5, int(frac * nsteps))
    step(model, opt, x[perm[:128]], y[perm[:128]], sam)  # warm up
    dts = []
    for s in range(1, timed + 1):
        b = perm[s * 128:(s + 1) * 128]
        t0 = time.perf_counter()
        step(model, opt, x[b], y[b], sam)
        dts.append(time.perf_counter() - t0)
    return sum(dts) / timed * nsteps, sorted(dts)[timed // 2] * nsteps


def accuracy(sam, x, y, xt, yt, epochs=5):
    torch.manual_seed(1)
    model = fcn()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for _ in range(epochs):
        perm = torch.randperm(len(x))
        for s in range(0, len(x), 128):
            b = perm[s:s + 128]
            step(model, opt, x[b], y[b], sam)
    with torch.no_grad():
        return (model(xt).argmax(1) == yt).float().mean().item()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    threads = int(args[0]) if args else 1
    frac = float(args[1]) if len(args) > 1 else 1.0
    torch.set_num_threads(threads)
    x, y = load("train")
    xt, yt = load("t10k")
    print(f"torch {torch.__version__}, threads {threads}")
    for name, make in (("fcn", fcn), ("lenet", lenet)):
        if len(args) > 2 and args[2] != name:
            continue
        sgd, csgd = epoch_seconds(make, False, x, y, frac)
        sam, csam = epoch_seconds(make, True, x, y, frac)
        print(f"{name:5s} epoch: sgd {sgd:.2f} s, sam {sam:.2f} s, sam/sgd {sam / sgd:.2f} "
              f"(median steps: sgd {csgd:.2f}, sam {csam:.2f}, ratio {csam / csgd:.2f})")
    if "--accuracy" in sys.argv:
        for sam in (False, True):
            print(f"fcn 5 epochs {'sam' if sam else 'sgd'}: test accuracy {100 * accuracy(sam, x, y, xt, yt):.2f}%")


if __name__ == "__main__":
    main()
