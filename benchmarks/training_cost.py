"""What digitpad's train() costs over a plain model.fit on the same data (progress,
cancel checks, weight averaging and checkpointing included).

    python benchmarks/training_cost.py [--epochs 2] [--data ../shared/data/mnist]
"""
import argparse
import tempfile
import time
from pathlib import Path

from digitpad.training.data import load_mnist
from digitpad.training.models import build_model
from digitpad.training.train import scale, train

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--rounds", type=int, default=2, help="alternate the two this many times")
    args = parser.parse_args()
    data = load_mnist(args.data)
    (x_train, y_train), (x_test, y_test) = data
    plain, ours = [], []
    for _ in range(args.rounds):
        model = build_model()
        started = time.perf_counter()
        model.fit(scale(x_train), y_train, batch_size=32, epochs=args.epochs,
                  validation_data=(scale(x_test), y_test), verbose=0)
        plain.append(time.perf_counter() - started)
        reports = []
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            train(data, Path(folder) / "w.weights.h5", epochs=args.epochs, on_progress=reports.append)
            ours.append(time.perf_counter() - started)
    best_plain, best_ours = min(plain), min(ours)
    print(f"plain model.fit, {args.epochs} epochs: {best_plain:.1f} s (best of {args.rounds})")
    print(f"digitpad train(), {args.epochs} epochs: {best_ours:.1f} s ({len(reports)} progress reports)")
    print(f"overhead: {100 * (best_ours / best_plain - 1):+.1f}%")


if __name__ == "__main__":
    main()
