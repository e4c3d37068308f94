"""Make weights/mnist-subset.npz: the fixed MNIST subset that adapting mixes in (weights/README.md).

The same number of training images of each digit, drawn at random with a fixed seed from
the MNIST training set (train-images-idx3-ubyte), stored with their indices in it.

    python benchmarks/make_mnist_subset.py [--data ../shared/data/mnist] [--size 10000] [--out weights/mnist-subset.npz]
"""
import argparse
import os
import tempfile
from pathlib import Path

import numpy as np

from digitpad.training.data import load_mnist

ROOT = Path(__file__).resolve().parents[1]
SEED = 0


def balanced_indices(labels, size, seed=SEED):
    """size // 10 indices of each digit, drawn at random, in increasing order."""
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(np.flatnonzero(labels == digit), size // 10, replace=False) for digit in range(10)]
    return np.sort(np.concatenate(chosen))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--out", type=Path, default=ROOT / "weights" / "mnist-subset.npz")
    args = parser.parse_args()
    (x_train, y_train), _ = load_mnist(args.data)
    indices = balanced_indices(y_train, args.size)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=args.out.parent, suffix=".npz")
    with os.fdopen(handle, "wb") as f:
        np.savez_compressed(f, images=x_train[indices], labels=y_train[indices], indices=indices.astype(np.uint16))
    os.chmod(partial, 0o644)  # mkstemp makes it private; package data is read by everyone
    os.replace(partial, args.out)
    print(f"{len(indices)} images ({args.size // 10} of each digit) -> {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
